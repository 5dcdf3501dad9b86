/**
 * Runs one deskguard ServiceNow script as the platform would, with the Glide stubs.
 * usage: node run_scenario.js SCENARIO.json   -> prints the outcome as JSON
 * Scenario: {"script": "business_rule" | "password_reset" | "ui_action",
 *            "properties": {...}, "tables": {"sys_user": {...}}, "current": {table, row},
 *            "params": {...}, "form": {...}}
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const {makeStubs} = require('./glide_stubs');

const SRC = path.join(__dirname, '..', 'src');
const INCLUDES = ['DeskguardClient.js', 'DeskguardGuard.js', 'DeskguardPwdVerification.js'];
const MAIN = {
    business_rule: 'deskguard_block_reset_without_grant.js',
    ui_action: 'verify_caller_with_deskguard.js',
};

const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const stubs = makeStubs({properties: scenario.properties || {}, tables: scenario.tables || {}});
const current = scenario.current ? stubs.current(scenario.current.table, scenario.current.row) : null;
const context = vm.createContext({
    GlideRecord: stubs.GlideRecord, gs: stubs.gs, sn_ws: stubs.sn_ws, Class: stubs.Class,
    action: stubs.action, current: current, previous: current, JSON, encodeURIComponent, parseInt,
    String,
});
for (const name of INCLUDES) {
    vm.runInContext(fs.readFileSync(path.join(SRC, name), 'utf8'), context, {filename: name});
}
let result = null;
if (scenario.script === 'password_reset') {
    const form = scenario.form || {};
    const request = {getParameter: (k) => (form[k] === undefined ? null : form[k])};
    context.__params = scenario.params;
    context.__request = request;
    result = vm.runInContext('new DeskguardPwdVerification().processForm(__params, __request)',
        context);
} else {
    const name = MAIN[scenario.script];
    vm.runInContext(fs.readFileSync(path.join(SRC, name), 'utf8'), context, {filename: name});
}
process.stdout.write(JSON.stringify({
    result: result,
    aborted: current ? current.aborted === true : null,
    errors: stubs.log.errors,
    warnings: stubs.log.warnings,
    redirect: stubs.log.redirect,
}));
