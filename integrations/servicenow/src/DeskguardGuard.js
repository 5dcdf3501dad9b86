/**
 * Script Include DeskguardGuard (scope x_deskguard): which records are help-desk resets, and
 * whether one may proceed. Shared by the business rule and the Password Reset extension so the
 * rule has one home.
 */
var DeskguardGuard = Class.create();
DeskguardGuard.prototype = {
    initialize: function (client) {
        this.client = client || new DeskguardClient();
    },

    /** 'password_reset', 'mfa_reset' or '' for a record that is not a reset request. */
    resetAction: function (record) {
        var text = (String(record.getValue('short_description') || '') + ' ' +
            String(record.getValue('category') || '') + ' ' +
            String(record.getValue('subcategory') || '')).toLowerCase();
        if (/\b(mfa|multi-factor|2fa|authenticator|security key|factor)\b/.test(text)) {
            return 'mfa_reset';
        }
        if (/\b(password|passcode|locked out|account unlock)\b/.test(text)) {
            return 'password_reset';
        }
        return '';
    },

    /** The UPN of the person the record is for (caller, requested for, opened for). */
    employeeOf: function (record) {
        var fields = ['caller_id', 'requested_for', 'opened_for'];
        for (var i = 0; i < fields.length; i++) {
            var id = record.getValue(fields[i]);
            if (id) {
                var user = new GlideRecord('sys_user');
                if (user.get(id)) {
                    return String(user.getValue('email') || '').toLowerCase();
                }
            }
        }
        return '';
    },

    /** {allowed, reason} for progressing `record` with `action` for its employee. */
    mayProceed: function (record, action) {
        var employee = this.employeeOf(record);
        if (!employee) {
            return {allowed: false, reason: 'the record names no caller with an e-mail address'};
        }
        return this.client.grantAllows(record.getValue('u_deskguard_grant'), employee, action,
            String(record.getValue('number')));
    },

    type: 'DeskguardGuard'
};
