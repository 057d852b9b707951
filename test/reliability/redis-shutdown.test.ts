/**
 * Reliability (issue 15, item 4) on node-redis 5 (`redis`): `app.close()` always resolves, whatever
 * Redis does (frozen, dead, slow), nothing is thrown after Redis comes back, and the README's
 * SIGTERM recipe exits 0. The scenarios are in support/redis-shutdown-suite.ts.
 */
import { runShutdownSuite } from './support/redis-shutdown-suite';

runShutdownSuite('node-redis 5', { recipe: true });
