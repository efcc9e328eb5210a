import { sweepTests } from './sweep-groups';

sweepTests('a');
