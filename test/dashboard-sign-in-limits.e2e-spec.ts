/**
 * @api-auth required
 * @environment RATE_LIMIT_REQUESTS=3 RATE_LIMIT_WINDOW_SECONDS=60
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createProjectionApp } from '../services/projection/src/main';

/**
 * The dashboard's sign-in takes no Bearer key, but the rate limit still counts it (per client), so
 * guessing keys through the form is as slow as through the API; a person over the limit gets a
 * page saying how long to wait, not JSON.
 */
describe('the dashboard sign-in under the rate limit', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createProjectionApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses the fourth attempt in the window with a page that says when to try again', async () => {
    const http = request(app.getHttpServer());
    for (let i = 0; i < 3; i++) {
      await http.post('/dashboard/sign-in').type('form').send({ apiKey: `hc_0123456789abcdef.guess-number-${i}-of-many-guesses` }).expect(401);
    }
    const refused = await http.post('/dashboard/sign-in').type('form').send({ apiKey: 'hc_0123456789abcdef.guess-number-3-of-many-guesses' }).expect(429);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toMatch(/Too many requests/);
    expect(refused.text).toMatch(new RegExp(`Wait ${refused.headers['retry-after']} seconds`));
  });
});
