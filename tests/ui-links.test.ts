import { expect, test } from '@jest/globals';
import { workflowHistoryUrl } from '../src/temporal/ui-links.js';

test('a run links to its history page, with ids encoded', () => {
  expect(workflowHistoryUrl('http://localhost:8233', 'default', 'server:srv-42', 'run-1')).toBe(
    'http://localhost:8233/namespaces/default/workflows/server%3Asrv-42/run-1/history',
  );
});

test('without a run id, the workflow page (the UI redirects to the latest run)', () => {
  expect(workflowHistoryUrl('https://temporal.example/ui/', 'prod ns', 'batch/7 ?')).toBe(
    'https://temporal.example/ui/namespaces/prod%20ns/workflows/batch%2F7%20%3F',
  );
});
