/**
 * Script Include DeskguardClient (scope x_deskguard): the one place ServiceNow talks to deskguard.
 *
 * Properties: x_deskguard.url (https://deskguard.example), x_deskguard.api_key (password2: a
 * deskguard key of role "helpdesk" named for the integration), x_deskguard.timeout_ms.
 * Every call has a time-out; any failure is reported as {ok: false, error}, never as success.
 */
var DeskguardClient = Class.create();
DeskguardClient.prototype = {
    initialize: function () {
        this.baseUrl = String(gs.getProperty('x_deskguard.url', '')).replace(/\/+$/, '');
        this.apiKey = String(gs.getProperty('x_deskguard.api_key', ''));
        this.timeoutMs = parseInt(gs.getProperty('x_deskguard.timeout_ms', '10000'), 10);
    },

    /** Starts a verification of `employee` (UPN) for `action`, bound to the ticket. */
    start: function (employee, action, ticketNumber) {
        return this._send('post', '/v1/verifications', {
            employee: employee,
            action: action,
            ticket: {system: 'servicenow', id: ticketNumber}
        });
    },

    /** Submits what the caller said: answers = [{question_id, response}]. */
    submitAnswers: function (verificationId, answers) {
        return this._send('post', '/v1/verifications/' + encodeURIComponent(verificationId) +
            '/answers', {answers: answers});
    },

    status: function (verificationId) {
        return this._send('get', '/v1/verifications/' + encodeURIComponent(verificationId), null);
    },

    /**
     * Whether `grant` is a valid, unexpired deskguard grant that ALLOWS `action` for `employee`
     * on `ticketNumber`. Asks deskguard (signature, expiry, binding, decision); anything else,
     * including deskguard being unreachable, is false.
     */
    grantAllows: function (grant, employee, action, ticketNumber) {
        if (!grant) {
            return {allowed: false, reason: 'no deskguard grant on the record'};
        }
        var reply = this._send('post', '/v1/receipts/verify', {
            receipt: String(grant),
            employee: employee,
            action: action,
            ticket: {system: 'servicenow', id: ticketNumber}
        });
        if (!reply.ok) {
            return {allowed: false, reason: 'deskguard could not verify the grant: ' + reply.error};
        }
        var body = reply.body || {};
        if (body.valid !== true) {
            var problem = body.problem ? body.problem.message : 'rejected';
            return {allowed: false, reason: 'the grant is not valid: ' + problem};
        }
        if (body.decision !== 'allow') {
            return {allowed: false, reason: 'deskguard decided ' + body.decision + ', not allow'};
        }
        return {allowed: true, reason: 'deskguard allowed ' + action + ' for ' + employee};
    },

    _send: function (method, path, payload) {
        if (!this.baseUrl || !this.apiKey) {
            return {ok: false, status: 0, error: 'x_deskguard.url or x_deskguard.api_key is not set'};
        }
        try {
            var message = new sn_ws.RESTMessageV2();
            message.setHttpMethod(method);
            message.setEndpoint(this.baseUrl + path);
            message.setRequestHeader('Authorization', 'Bearer ' + this.apiKey);
            message.setRequestHeader('Accept', 'application/json');
            message.setHttpTimeout(this.timeoutMs);
            if (payload !== null) {
                message.setRequestHeader('Content-Type', 'application/json');
                message.setRequestBody(JSON.stringify(payload));
            }
            var response = message.execute();
            var status = response.getStatusCode();
            var text = response.getBody();
            var body = text ? JSON.parse(text) : null;
            if (status < 200 || status >= 300) {
                var detail = body && body.error ? body.error.message : ('HTTP ' + status);
                return {ok: false, status: status, error: detail, body: body};
            }
            return {ok: true, status: status, body: body};
        } catch (e) {
            gs.error('deskguard call failed: ' + e);
            return {ok: false, status: 0, error: String(e)};
        }
    },

    type: 'DeskguardClient'
};
