import { sweepTests } from './sweep-groups';

sweepTests('b');
