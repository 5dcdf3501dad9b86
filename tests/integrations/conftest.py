from tests.api.conftest import demo_data_dir

__all__ = ["demo_data_dir"]
