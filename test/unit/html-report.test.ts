/** The HTML page from any report: text is escaped, fields other producers add are shown, an old or minimal report still renders. */
import { renderHtmlReport, resourceLanes, stateTone } from '../../runner/html-report';
import { completeReport } from '../../runner/report';

const minimal = {
  workflow: 'onboard-cloudfront-byoip',
  executionName: 'real-execution-1',
  status: 'FAILED',
  error: { name: 'ResourceFailed', cause: '{"errorType":"ResourceFailed","errorMessage":"<img src=x onerror=alert(1)> failed-provision"}' },
  virtualSeconds: 100,
  startedAt: '2026-12-01T08:00:00.000Z',
  states: [
    { name: 'Initialize', type: 'Pass', enteredAt: 0, exitedAt: 0, status: 'SUCCEEDED' },
    { name: 'ValidateInput', type: 'Task', enteredAt: 0, exitedAt: 40, status: 'CAUGHT', error: 'ResourceFailed' },
    { name: 'Compensate', type: 'Task', enteredAt: 40, exitedAt: 41, status: 'SUCCEEDED' },
    { name: 'RolledBack', type: 'Fail', enteredAt: 100, exitedAt: 100, status: 'FAILED' },
  ],
  transitions: [
    { at: 10, resource: 'ipam-pool-0abc', from: null, to: 'create-in-progress' },
    { at: 30, resource: 'ipam-pool-0abc', from: 'create-in-progress', to: 'create-complete' },
  ],
};

describe('the HTML report from any SimulationReport', () => {
  it('fills in what an older or history-built report lacks, recomputing phases from the workflow definition', () => {
    const r = completeReport(minimal, (w) => require(`../../asl/${w}.asl.json`));
    expect(r.failedAt).toBe(40);
    expect(r.phases.map((p) => [p.name, p.seconds])).toEqual([
      ['Initialize', 0],
      ['ValidateInput', 40],
      ['after the failure', 60],
    ]);
    expect(() => completeReport({ workflow: 'x' })).toThrow(/not a byoip report:\n {2}report\.status/);
  });

  it('escapes every text from the report and shows a plan, operator decisions and history counts when present', () => {
    const r = Object.assign(completeReport(minimal), {
      plan: { title: 'Cut over <b>api</b>', changes: [{ kind: 'dns', target: 'api.example.com.', from: 'a', to: '"b"' }] },
      decisions: [{ at: 12, decision: 'continue', by: 'alice@example.com' }],
      history: { events: 1234, largestPayloadBytes: 40960 },
    });
    const html = renderHtmlReport(r);
    expect(html).not.toMatch(/<img|<b>api|<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; failed-provision');
    expect(html).toContain('Cut over &lt;b&gt;api&lt;/b&gt;');
    expect(html).toMatch(/operator decisions<\/h3><table><thead><tr><th>at<\/th><th>decision<\/th><th>by<\/th>.*alice@example\.com/s);
    expect(html).toMatch(/events: <b>1234<\/b>.*largestPayloadBytes: <b>40960<\/b>/s);
    expect(html).toMatch(/No compensation ran/);
  });

  it('draws each resource from its creation, coloured by what its state means', () => {
    expect(resourceLanes({ transitions: minimal.transitions, virtualSeconds: 100 })).toEqual([
      {
        resource: 'ipam-pool-0abc',
        segments: [
          { from: 10, to: 30, state: 'create-in-progress' },
          { from: 30, to: 100, state: 'create-complete' },
        ],
      },
    ]);
    expect(
      [
        'pending-provision',
        'provisioned',
        'pending-withdrawal',
        'deprovisioned',
        'failed-provision',
        'Deploying',
        'Deployed',
        'INSYNC',
        'advertised',
        'ADVERTISING',
        'PENDING_ADVERTISING',
      ].map(stateTone),
    ).toEqual(['pending', 'ready', 'leaving', 'gone', 'failed', 'pending', 'ready', 'ready', 'ready', 'ready', 'pending']);
  });
});
