/**
 * UI Action "Verify caller with deskguard" (form button; incident, sc_req_item, interaction;
 * role x_deskguard.agent). Opens the deskguard console pre-filled with the ticket's caller and the
 * reset it asks for; the agent reads the questions there. No answer ever comes back to ServiceNow.
 */
(function verifyCaller(current) {
    var guard = new DeskguardGuard();
    var employee = guard.employeeOf(current);
    if (!employee) {
        gs.addErrorMessage('deskguard: this record names no caller with an e-mail address.');
        action.setRedirectURL(current);
        return;
    }
    var consoleUrl = String(gs.getProperty('x_deskguard.console_url',
        gs.getProperty('x_deskguard.url', '') + '/console'));
    var resetAction = guard.resetAction(current) || 'password_reset';
    action.setRedirectURL(consoleUrl + '/start?employee=' + encodeURIComponent(employee) +
        '&action=' + encodeURIComponent(resetAction) +
        '&ticket_system=servicenow&ticket=' + encodeURIComponent(current.getValue('number')));
})(current);
