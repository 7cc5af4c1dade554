import nock from 'nock';
import { expect, it } from 'vitest';
import { useNock } from '../use-nock.ts';

useNock();

it('makes a request nobody mocked', async () => {
  nock('https://api.fixture.test').get('/users/1').reply(200, { id: 1 });
  const response = await fetch('https://api.fixture.test/users/2?access_token=top-secret-value');
  expect(response.status).toBe(501);
});

it('runs clean after the failing test', async () => {
  nock('https://api.fixture.test').get('/users/1').reply(200, { id: 1 });
  expect((await fetch('https://api.fixture.test/users/1')).status).toBe(200);
});
