/**
 * A small stand-in for the few Glide APIs the deskguard scripts use (GlideRecord, gs,
 * sn_ws.RESTMessageV2, Class.create, action), so the scripts run unchanged under Node against a
 * real deskguard. RESTMessageV2.execute() is synchronous on ServiceNow; here it runs one HTTP
 * request in a child Node process (fetch with the message's time-out) and waits for it.
 */
'use strict';
const {spawnSync} = require('child_process');

function makeStubs(world) {
    const log = {errors: [], infos: [], warnings: [], redirect: null};

    class GlideRecord {
        constructor(table) {
            this.table = table;
            this.row = null;
        }
        get(sysId) {
            const rows = world.tables[this.table] || {};
            this.row = rows[sysId] ? Object.assign({sys_id: sysId}, rows[sysId]) : null;
            return this.row !== null;
        }
        getValue(field) {
            if (!this.row || this.row[field] === undefined || this.row[field] === '') {
                return null;
            }
            return String(this.row[field]);
        }
        setValue(field, value) {
            this.row[field] = value;
        }
        setAbortAction(flag) {
            this.aborted = flag;
        }
    }

    function current(table, row) {
        const record = new GlideRecord(table);
        record.row = Object.assign({}, row);
        record.aborted = false;
        return record;
    }

    const gs = {
        getProperty: (name, fallback) =>
            world.properties[name] !== undefined ? world.properties[name] : fallback,
        addErrorMessage: (m) => log.errors.push(String(m)),
        addInfoMessage: (m) => log.infos.push(String(m)),
        warn: (m) => log.warnings.push(String(m)),
        error: (m) => log.warnings.push(String(m)),
        info: () => {},
    };

    class RESTMessageV2 {
        constructor() {
            this.method = 'get';
            this.headers = {};
            this.body = null;
            this.timeoutMs = 60000;
        }
        setHttpMethod(m) { this.method = String(m).toUpperCase(); }
        setEndpoint(url) { this.url = String(url); }
        setRequestHeader(k, v) { this.headers[k] = String(v); }
        setHttpTimeout(ms) { this.timeoutMs = ms; }
        setRequestBody(b) { this.body = String(b); }
        execute() {
            const request = JSON.stringify({
                url: this.url, method: this.method, headers: this.headers, body: this.body,
                timeoutMs: this.timeoutMs,
            });
            const child = spawnSync(process.execPath, [__dirname + '/http_once.js'], {
                input: request, encoding: 'utf8', timeout: this.timeoutMs + 5000,
            });
            const reply = JSON.parse(child.stdout || '{"error":"no reply"}');
            if (reply.error) {
                throw new Error('RESTMessageV2: ' + reply.error);
            }
            return {getStatusCode: () => reply.status, getBody: () => reply.body};
        }
    }

    const Class = {
        create: () => function () { this.initialize && this.initialize.apply(this, arguments); },
    };
    const action = {setRedirectURL: (url) => { log.redirect = String(url); }};
    return {GlideRecord, gs, sn_ws: {RESTMessageV2}, Class, action, current, log};
}

module.exports = {makeStubs};
