/**
 * GraphQL clients in a process of their own (`--clients-process`), as a frontend or an integrator would be: the
 * requests' CPU is not the API's. Reads its job from argv as JSON: { url, token, targets: [{ crontabId, username }],
 * perTarget, label? }; one client per target, each setting its crontab to `echo <username>-<label>-<i>` for i = 1 …
 * perTarget in a row (label `tp` unless given); prints { requestMs: number[] } on stdout when done.
 */
const job = JSON.parse(process.argv[2]) as { url: string; token: string; targets: { crontabId: string; username: string }[]; perTarget: number; label?: string };
const label = job.label ?? 'tp';
const query = 'mutation ($input: UpdateCrontabInput!) { updateCrontab(input: $input) { crontab { id } userErrors { field message } } }';
const requestMs: number[] = [];
await Promise.all(
  job.targets.map(async (target) => {
    for (let i = 1; i <= job.perTarget; i++) {
      const t = performance.now();
      const response = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
        body: JSON.stringify({ query, variables: { input: { id: target.crontabId, command: `echo ${target.username}-${label}-${i}` } } }),
      });
      const body = (await response.json()) as { errors?: unknown[]; data?: { updateCrontab: { userErrors: unknown[] } } };
      requestMs.push(performance.now() - t);
      if (body.errors?.length || body.data?.updateCrontab.userErrors.length) throw new Error(JSON.stringify(body));
    }
  }),
);
process.stdout.write(JSON.stringify({ requestMs }));
