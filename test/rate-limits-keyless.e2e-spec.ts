/**
 * @environment RATE_LIMIT_REQUESTS=1000 RATE_LIMIT_VERIFICATION_REQUESTS=1 RATE_LIMIT_WINDOW_SECONDS=60
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createProjectionApp } from '../services/projection/src/main';

/** Without access control (API_AUTH=disabled) there is no key to count by: calls count per client IP. */
describe('rate limits without API keys', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createProjectionApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("counts a keyless caller by its IP address, and never limits /health", async () => {
    const http = request(app.getHttpServer());
    await http.get('/projection/verification?cases=1').expect(200);
    const refused = await http.get('/projection/verification?cases=1').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^this client sent more than 1 verification requests in 60 s/) });
    await http.get('/projection/status').expect(200);
    for (let i = 0; i < 5; i++) await http.get('/health').expect(200);
  });
});
