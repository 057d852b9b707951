import { DeadlineQueue } from '../../src/engine/deadline-queue';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineQueue', () => {
  it('fires each deadline no earlier than its delay, in the order they were added', async () => {
    const queue = new DeadlineQueue(30);
    const fired: Array<[string, number]> = [];
    const start = performance.now();
    queue.add(() => fired.push(['a', performance.now() - start]));
    await sleep(10);
    queue.add(() => fired.push(['b', performance.now() - start]));
    await new Promise<void>((resolve) => queue.add(() => resolve()));
    expect(fired.map(([name]) => name)).toEqual(['a', 'b']);
    expect(fired[0]![1]).toBeGreaterThanOrEqual(29);
    expect(fired[1]![1]).toBeGreaterThanOrEqual(39);
    expect(queue.size).toBe(0);
  });

  it('never fires a cancelled deadline; its timer never holds the process and is not armed again once none is pending', async () => {
    const queue = new DeadlineQueue(20);
    const fire = jest.fn();
    const first = queue.add(fire);
    const second = queue.add(fire);
    queue.cancel(second);
    queue.cancel(first);
    expect(queue.size).toBe(0);
    const timer = (queue as unknown as { timer: NodeJS.Timeout | undefined }).timer;
    expect(timer?.hasRef()).toBe(false);
    await sleep(40);
    expect(fire).not.toHaveBeenCalled();
    expect(queue.armed).toBe(false);
  });

  it('keeps firing the others when one in the middle is cancelled, and after a fire adds a new one', async () => {
    const queue = new DeadlineQueue(15);
    const order: string[] = [];
    queue.add(() => {
      order.push('a');
      queue.add(() => order.push('c'));
    });
    const middle = queue.add(() => order.push('x'));
    queue.add(() => order.push('b'));
    queue.cancel(middle);
    await sleep(60);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('stays bounded when deadlines are always pending and decided in order', () => {
    const queue = new DeadlineQueue(60_000);
    const pending = [queue.add(() => undefined)];
    for (let i = 0; i < 10_000; i++) {
      pending.push(queue.add(() => undefined));
      queue.cancel(pending.shift()!);
    }
    expect(queue.size).toBe(1);
    expect((queue as unknown as { entries: unknown[] }).entries.length).toBeLessThan(2100);
    queue.cancel(pending[0]!);
  });
});
