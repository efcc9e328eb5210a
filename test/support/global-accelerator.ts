/** Test helper: Global Accelerator as an operator sees it (ranges, accelerators, addresses, routing), selected from the operator's view. */
import type { Simulator } from '../../sim';
import { leasesHeld, operatorView, sections } from '../../runner/world-view';

export const gaWorld = (sim: Simulator) => sections(operatorView(sim), 'gaCidrs', 'accelerators');

/** Leases still in the state table. */
export const locksLeft = (sim: Simulator) => leasesHeld(operatorView(sim));
