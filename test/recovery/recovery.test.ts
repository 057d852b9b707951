import { InMemoryAdapter, InMemoryBus } from 'ws-controllers';
import { recoverySuite } from './suite';

const buses = new Map<string, InMemoryBus>();

recoverySuite('in memory', (cluster) => {
  let bus = buses.get(cluster);
  if (bus === undefined) buses.set(cluster, (bus = new InMemoryBus()));
  return new InMemoryAdapter(bus);
});
