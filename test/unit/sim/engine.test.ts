/** The event queue: time order, ties in scheduling order, the world moved on before each event. */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../lib/sim/engine';

describe('Simulation', () => {
  it('runs events in time order, ties in the order they were scheduled, advancing the world first', async () => {
    // Prepare
    const seen: string[] = [];
    const sim = new Simulation(0, (ms) => void seen.push(`world→${ms}`));
    sim.at(20, 'b', () => void seen.push('b@20'));
    sim.at(10, 'a', () => void seen.push('a@10'));
    sim.at(20, 'c', () => void seen.push('c@20'));
    sim.every(5, 10, 'tick', () => void seen.push(`tick@${sim.now()}`));

    // Act
    await sim.runUntil(30);

    // Assess
    expect(seen).toEqual(['world→5', 'tick@5', 'world→10', 'a@10', 'world→15', 'tick@15', 'world→20', 'b@20', 'c@20', 'world→25', 'tick@25', 'world→30']);
  });

  it('never runs an event in the past: one scheduled before now runs now', async () => {
    // Prepare
    const seen: number[] = [];
    const sim = new Simulation(0, () => {});
    sim.at(10, 'late', () => sim.at(3, 'past', () => void seen.push(sim.now())));

    // Act
    await sim.runUntil(20);

    // Assess
    expect(seen).toEqual([10]);
  });
});
