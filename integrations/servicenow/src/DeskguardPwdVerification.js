/**
 * Password Reset extension script DeskguardPwdVerification, category Verification Form
 * Processor. Used by the service-desk Password Reset process: the agent pastes the deskguard
 * grant into the verification form field `deskguard_grant`; the reset runs only when deskguard
 * says the grant allows a password reset for this user.
 */
var DeskguardPwdVerification = Class.create();
DeskguardPwdVerification.prototype = {
    category: 'password_reset.extension.verification_form_processor', // DO NOT REMOVE THIS LINE!

    /**
     * params.resetRequestId, params.userId (sys_user sys_id), params.verificationId;
     * request.getParameter('deskguard_grant'). Returns true only for an allow grant.
     */
    processForm: function (params, request) {
        var user = new GlideRecord('sys_user');
        if (!user.get(params.userId)) {
            return false;
        }
        var employee = String(user.getValue('email') || '').toLowerCase();
        var grant = request.getParameter('deskguard_grant');
        var ticket = String(request.getParameter('deskguard_ticket') || '');
        var verdict = new DeskguardClient().grantAllows(grant, employee, 'password_reset', ticket);
        if (!verdict.allowed) {
            gs.warn('deskguard refused a password reset for ' + employee + ': ' + verdict.reason);
        }
        return verdict.allowed === true;
    },

    type: 'DeskguardPwdVerification'
};
