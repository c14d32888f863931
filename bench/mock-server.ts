// The fake upstream of the benchmark in its own process (so it does not share an event loop
// with the gateway or the load generator). Prints its URL on stdout.
import { MockProvider } from '../src/probe/mock-provider.ts';

const mock = new MockProvider({ capture: false, reply: 'The quick brown fox jumps over the lazy dog while the gateway watches.' });
process.stdout.write(`${await mock.listen()}\n`);
process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
