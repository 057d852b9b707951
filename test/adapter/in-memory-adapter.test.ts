import { InMemoryAdapter, InMemoryBus } from 'ws-controllers';
import { runAdapterContract } from './adapter-contract';

runAdapterContract('InMemoryAdapter on a shared bus', async () => {
  const bus = new InMemoryBus();
  return { adapter: () => new InMemoryAdapter(bus) };
});
