// One HTTP request for the RESTMessageV2 stub: reads {url, method, headers, body, timeoutMs} on
// stdin, prints {status, body} or {error}.
'use strict';
let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', async () => {
    const r = JSON.parse(input);
    try {
        const response = await fetch(r.url, {
            method: r.method, headers: r.headers, body: r.body === null ? undefined : r.body,
            signal: AbortSignal.timeout(r.timeoutMs),
        });
        process.stdout.write(JSON.stringify({status: response.status, body: await response.text()}));
    } catch (e) {
        process.stdout.write(JSON.stringify({error: String(e)}));
    }
});
