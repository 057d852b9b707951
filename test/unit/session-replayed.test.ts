/** A live push that arrives after a resume's replay already held it is dropped once (reliability 17.2). */
import { SessionState } from '../../src/connections/session-state';

describe('SessionState.alreadyReplayed', () => {
  test('drops live pushes up to the replayed id of their log, then stops checking that log', () => {
    const session = new SessionState({ appendDirect: () => true });
    session.replayed.set('general', '1000-3');
    session.replayed.set('b', '1000-1');
    expect(session.alreadyReplayed('general', '1000-2')).toBe(true);
    expect(session.alreadyReplayed('general', '1000-3')).toBe(true);
    expect(session.alreadyReplayed('general', '1000-4')).toBe(false); // the first live one past the replay
    expect(session.replayed.has('general')).toBe(false);
    expect(session.alreadyReplayed('general', '1000-1')).toBe(false); // no more checks for that log
    expect(session.alreadyReplayed('random', '999-0')).toBe(false); // a log the replay had nothing of
    expect(session.alreadyReplayed('b', '999-9')).toBe(true);
  });
});
