// Input apps of constructs nested in a multiplying construct are made once per enclosing
// instance (§1.9 step 3 re-parents them with everything else), each feeding its own inner
// instances. Fixture: Bands(3, app) ⊃ Channels(2, app) ⊃ {chan, image, img}; the images
// gathered two by two by Collect(app) ⊃ Tiles(2, app) ⊃ tile.
// Counts by hand (the reference v6.7.0 gives the same 41 drops and 43 edges on this file):
// cube 1, Bands app 1, band 3, Channels app 3, chan 6, image 6, img 6, Collect app 3,
// stacked 3, Tiles app 3, tile 6 = 41; edges 1+3+3+6+6+6+6+3+3+6 = 43.
import test from 'ava';
import { join } from 'node:path';
import { edgesOf, entryOid, lgOf, pgtOf, repoRoot, tableOf } from '../helpers.ts';

const file = join(repoRoot, 'fixtures/graphs/nested_construct_apps.graph');

test('nested construct apps: one per enclosing instance, 41 drops and 43 edges', (t) => {
  const { drops } = pgtOf(tableOf(lgOf(file)));
  const count = (name: string) => drops.filter((d) => d.name === name).length;
  t.is(drops.length, 41);
  t.is(edgesOf(drops).edges.size, 43);
  t.deepEqual(edgesOf(drops).oneSided, []);
  t.is(count('Bands'), 1);
  t.is(count('Channels'), 3, 'the inner scatter app, once per Bands instance');
  t.is(count('Collect'), 3);
  t.is(count('Tiles'), 3, 'the scatter app inside the gather, once per gather instance');
});

test('nested construct apps: each instance reads its own enclosing instance and feeds its own inner instances', (t) => {
  const { drops } = pgtOf(tableOf(lgOf(file)));
  const oids = (list: unknown[] | undefined) => (list ?? []).map(entryOid);
  const channels = drops.filter((d) => d.name === 'Channels');
  t.deepEqual(channels.map((d) => d.oid), ['1_chans_0-0', '1_chans_0-1', '1_chans_0-2']);
  channels.forEach((d, b) => {
    t.deepEqual(d.rank, [0, b]);
    t.deepEqual(oids(d.inputs), [`1_band_0-${b}`], `Channels #${b} reads band #${b}`);
    t.deepEqual(oids(d.outputs), [`1_chan_0-${b}-0`, `1_chan_0-${b}-1`], `Channels #${b} writes the channels of band #${b}`);
  });
  for (const c of drops.filter((d) => d.name === 'chan')) {
    const b = c.oid.split('_').pop().split('-')[1];
    t.deepEqual(oids(c.producers), [`1_chans_0-${b}`]);
  }
  const tiles = drops.filter((d) => d.name === 'Tiles');
  tiles.forEach((d, g) => {
    t.is(d.oid, `1_tiles_0-${g}`);
    t.deepEqual(oids(d.inputs), [`1_stacked_0-${g}`], `Tiles #${g} reads the stack of gather instance #${g}`);
    t.deepEqual(oids(d.outputs), [`1_tile_0-${g}-0`, `1_tile_0-${g}-1`]);
  });
  const collect = drops.filter((d) => d.name === 'Collect');
  collect.forEach((d, g) => t.deepEqual(oids(d.inputs), [`1_img_0-${g}-0`, `1_img_0-${g}-1`], `gather #${g} collects band #${g}'s images`));
});
