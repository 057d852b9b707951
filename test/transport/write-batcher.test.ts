/**
 * The write batcher on fake sockets: what a burst corks, and when it is uncorked.
 */
import { WriteBatcher, type BatchedSocket } from '../../src/transport/write-batcher';

/** A socket whose net socket records its cork/uncork calls. */
function fakeSocket(): BatchedSocket & { log: string[] } {
  const log: string[] = [];
  return { corked: false, log, raw: { cork: () => log.push('cork'), uncork: () => log.push('uncork') } };
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

test('a lone frame corks nothing', () => {
  const batcher = new WriteBatcher();
  const socket = fakeSocket();
  batcher.frame(false);
  batcher.hold(socket);
  expect(socket.log).toEqual([]);
});

test('a frame with more behind corks each socket once until the tick ends', async () => {
  const batcher = new WriteBatcher();
  const socket = fakeSocket();
  batcher.frame(true);
  batcher.hold(socket);
  batcher.hold(socket);
  expect(socket.log).toEqual(['cork']);
  await nextTick();
  expect(socket.log).toEqual(['cork', 'uncork']);
});

test('untilTickEnd corks every socket written to in this tick, even after a lone frame is handled', async () => {
  const batcher = new WriteBatcher();
  const [a, b] = [fakeSocket(), fakeSocket()];
  batcher.untilTickEnd();
  batcher.hold(a);
  batcher.frame(false); // a frame read meanwhile does not end a whole-tick burst
  batcher.hold(b);
  expect([a.log, b.log]).toEqual([['cork'], ['cork']]);
  await nextTick();
  expect([a.log, b.log]).toEqual([['cork', 'uncork'], ['cork', 'uncork']]);
});

test('the burst of untilTickEnd is over in the next tick', async () => {
  const batcher = new WriteBatcher();
  batcher.untilTickEnd();
  await nextTick();
  await nextTick();
  const socket = fakeSocket();
  batcher.hold(socket);
  expect(socket.log).toEqual([]);
});

test('a socket released early (the slow-consumer check) is not uncorked twice', async () => {
  const batcher = new WriteBatcher();
  const socket = fakeSocket();
  batcher.untilTickEnd();
  batcher.hold(socket);
  batcher.release(socket);
  await nextTick();
  expect(socket.log).toEqual(['cork', 'uncork']);
});
