/**
 * Business rule "deskguard: no reset without a grant" (before update; incident, sc_req_item,
 * sc_task; condition: state changes to Resolved / Closed / Closed Complete).
 * A password or MFA reset request cannot be progressed unless it carries a valid, unexpired
 * deskguard `allow` grant for its caller and action.
 */
(function executeRule(current, previous) {
    var guard = new DeskguardGuard();
    var action = guard.resetAction(current);
    if (!action) {
        return;
    }
    var verdict = guard.mayProceed(current, action);
    if (!verdict.allowed) {
        current.setAbortAction(true);
        gs.addErrorMessage('deskguard: this ' + action.replace('_', ' ') +
            ' cannot proceed: ' + verdict.reason + '. Verify the caller with deskguard first.');
        gs.warn('deskguard blocked ' + current.getValue('number') + ': ' + verdict.reason);
    }
})(current, previous);
