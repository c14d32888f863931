import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'telemetry-events';

describe(RULE, () => {
  it("finds: five events through one function", () => {
    const f = only(scanCode(`function send(n, p) {} send('cli_start', {}); send('cli_exit', {}); send('tool_run', {}); send('tool_fail', {}); send('prompt_sent', {});`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 5);
  });
  it("finds: a named logger", () => {
    const f = only(scanCode(`logEvent('app_start', { v: 1 });`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("finds: a minified logger called as a statement, last in a sequence, after && or with a properties object", () => {
    const code = `function d(e,p){}function f(a,z,B){z.n=1,d("tengu_startup_perf",z);a&&d("tengu_exit_early",z);if(a)B(!1),d("tengu_accept_collapsed",B);` +
      `let s=d("tengu_session_start",{n:1});void d("tengu_idle_tick",z);return d("tengu_done_now",{ok:!0})}`;
    const f = only(scanCode(code), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.data?.events, ['tengu_accept_collapsed', 'tengu_exit_early', 'tengu_idle_tick', 'tengu_session_start', 'tengu_startup_perf']);
  });
  it("finds: an event builder whose event is queued (Gemini CLI's createLogEvent)", () => {
    const code = `class L{createLogEvent(n,d){return{n,d}}enqueue(e){}` + ['start_session', 'new_prompt', 'tool_call', 'api_request', 'api_error']
      .map((n, i) => `m${i}(d){this.enqueue(this.createLogEvent("${n}",d))}`).join('') + `}`;
    const f = only(scanCode(code), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 5);
  });
  it("ignores: feature-flag lookups, a name and a literal default whose result is used (Claude Code's I8/GN)", () => {
    const names = ['tengu_compact_line_prefix_killswitch', 'tengu_amber_flint', 'tengu_amber_prism', 'tengu_agent_list_attach', 'tengu_kairos_cron', 'tengu_bridge_poll'];
    const code = `function I8(n,d){return d}function GN(n,d,f){return d}` +
      `function CK1(){return!I8("${names[0]}",!1)}let a=I8("${names[1]}",!0),b=I8("${names[2]}",0)?1:2;if(I8("${names[3]}",!1))x();` +
      `function To(){return GN("${names[4]}",!0,CK1)}const p=GN("${names[5]}",300000,-1);`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("ignores: error constructors whose names look like events (sharp's invalidParameterError)", () => {
    const code = ['create.channels', 'create.noise.mean', 'join.across', 'join.animated', 'raw.premultiplied', 'resize.width']
      .map((n) => `if(!ok)throw w1.invalidParameterError("${n}","boolean",v);w1.invalidParameterError("${n}","integer",v);`).join('');
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("ignores: push and other array methods (markdown-it's token names)", () => {
    const code = `function r(state){` + ['blockquote_open', 'blockquote_close', 'bullet_list_open', 'bullet_list_close', 'code_block', 'table_open']
      .map((n, i) => `state.push("${n}","t",${i % 2});const t${i}=state.push("${n}","t",1);`).join('') + `}`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("ignores: names looked up for a value or registered with a handler (key bindings, named tasks, i18n)", () => {
    const keys = ['app:interrupt', 'chat:cancel', 'confirm:no', 'confirm:yes', 'help:dismiss', 'task:background'];
    const code = `function C(K,W){let P;if(K[0])P=()=>{W()},K[1]=P;else P=K[1];let j=P;const G=useCallback(()=>{},[]);` +
      keys.map((k, i) => `W1("${k}",${['P', 'j', 'G'][i % 3]},{context:"Global"});W1("${k}",()=>W(),{isActive:!0});let h${i}=A5("${k}","Task","ctrl+b");`).join('') +
      `return[tY("ide_selection",async()=>1),tY("ide_opened_file",async()=>2),tY("agent_mentions",async()=>3),tY("at_mentioned_files",async()=>4),tY("agent_listing_delta",async()=>5),` +
      ['git.ahead', 'git.behind', 'git.staged', 'git.stash', 'git.unstaged'].map((n) => `t("${n}",{count:1})`).join(',') + `]}`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("ignores: few names, not a logger", () => {
    assert.deepEqual(only(scanCode(`t('a_b', {}); t('c_d', {}); t('e_f', {});`), RULE), []);
  });
  it("ignores: a diagram's builder calls, the element type and the parsed values spread after it (mermaid's C4 parser actions)", () => {
    // A generated (jison) parser's actions, as mermaid's C4 diagram ships them in qwen-code's web UI.
    const types = ['container', 'container_db', 'container_queue', 'external_container', 'external_container_db', 'external_container_queue'];
    const code = `var yy={addContainer(){},addRel(){}};function performAction(o,p,n,_){switch(n){` +
      types.map((t, i) => `case ${i}:_.addContainer("${t}",...o[p]),this.$=o[p];break;`).join('') +
      ['rel_u', 'rel_d', 'rel_l', 'rel_r', 'rel_b'].map((t, i) => `case ${10 + i}:_.addRel("${t}",...o[p]);break;`).join('') + `}}`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("ignores: DOM and SVG builders (d3's insert, attr, classed; qualified names such as svg:rect or xlink:href)", () => {
    const code = `function draw(g,el){` +
      ['svg:rect', 'svg:text', 'svg:path', 'svg:line', 'svg:circle'].map((n) => `g.insert("${n}",":first-child");`).join('') +
      ['node_label', 'edge_path', 'edge_label', 'cluster_label', 'node_shape'].map((n) => `g.classed("${n}",!0);g.attr("${n}","x");g.style("${n}","1px");`).join('') +
      ['xlink:href', 'xml:space', 'xmlns:xlink', 'xlink:title', 'xlink:show'].map((n) => `el.setAttribute("${n}","v");`).join('') + `}`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("finds: span events and attributes, and a named logger with values spread after the name (OpenTelemetry, not a builder)", () => {
    const code = `function t(span,rest){` +
      ['gen_ai.prompt', 'gen_ai.completion', 'tool.start', 'tool.end', 'api.retry'].map((n) => `span.addEvent("${n}",{n:1});`).join('') +
      ['http.status_code', 'query_source', 'tools_count', 'system_prompt_hash', 'az.namespace'].map((n) => `span.setAttribute("${n}",rest.v);`).join('') +
      `logEvent("cli_start",...rest);}`;
    const f = only(scanCode(code), RULE);
    assert.deepEqual(f.map((x) => [x.data?.callee, x.data?.count]).sort(), [['addEvent', 5], ['logEvent', 1], ['setAttribute', 5]]);
  });
});
