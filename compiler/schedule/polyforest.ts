// Incremental exact DoP for edge-zeroing schedulers (§5.6, §5.9).
//
// A Sarkar partition's private DAG only ever gains the edge that merged two partitions, so
// it is a polytree (a forest when partitions merge without an edge). In a polytree two
// drops are comparable iff the unique path between them is directed, which gives a tree DP
// for the maximum weighted antichain. For a subtree rooted at x (rooted as an undirected
// tree, edges keep their DAG direction) keep three values:
//   C = best antichain weight that contains x,
//   U = best with x and every drop reachable from x excluded,
//   D = best with x and every drop that reaches x excluded.
// A child c joined by c→x (an "in-child") contributes (D_c, max_c, D_c) to (C_x, U_x, D_x);
// by x→c (an "out-child") it contributes (U_c, U_c, max_c); C_x also adds w(x). Children
// contributions simply add, so the DP is a sum of per-child max-plus affine maps.
//
// Linking trees A ∋ u and B ∋ v by u→v gives width(A+B+uv) = max(W_A + U_B(v), D_A(u) + W_B)
// where U_B(v) and D_A(u) are the DP values of B rerooted at v and A rerooted at u.
// Rerooted values come from a link-cut tree (splay trees over preferred paths) whose nodes
// aggregate the forward (towards the root) and backward (from the root) path compositions of
// those maps; light children are summed into each node. Trees are never everted: the smaller
// tree is re-rooted by a rebuild when linking (small-to-large), so every node's direction to
// its parent is fixed between rebuilds.
// Complexity: O(log n) amortised per query and link, plus O(n log n) total for rebuilds;
// each step costs a few 3×3 max-plus products per weight attribute. Memory O(n·K).

const NEG = -Infinity;
const ROOT = 0;
const IN = 1; // edge child→parent
const OUT = 2; // edge parent→child
/** A map is 12 numbers: a 3×3 max-plus matrix (row-major) then a constant 3-vector. */
const MAP = 12;

export class PolyForest {
  readonly n: number;
  readonly k: number;
  private readonly w: Float64Array[];
  private readonly light: Float64Array[]; // 3 per node
  private readonly fwd: Float64Array[]; // aggregate, MAP per node
  private readonly bwd: Float64Array[];
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly parent: Int32Array;
  private readonly dir: Uint8Array;
  // forest adjacency of linked edges (for rebuilds)
  private readonly adjHead: Int32Array;
  private readonly adjNext: Int32Array;
  private readonly adjTo: Int32Array;
  private readonly adjOut: Uint8Array; // 1 if the edge goes from the list owner to adjTo
  private nAdj = 0;
  private readonly queue: Int32Array;
  private readonly tmpA = new Float64Array(MAP);
  private readonly tmpB = new Float64Array(MAP);
  private readonly own = new Float64Array(MAP);
  private readonly vec = new Float64Array(3);

  /** weights[a][x]: weight of drop x under attribute a. Every drop starts as a singleton. */
  constructor(weights: ArrayLike<number>[]) {
    this.k = weights.length;
    const n = (this.n = weights.length ? weights[0]!.length : 0);
    this.w = weights.map((a) => Float64Array.from(a));
    this.light = weights.map(() => new Float64Array(3 * n));
    this.fwd = weights.map(() => new Float64Array(MAP * n));
    this.bwd = weights.map(() => new Float64Array(MAP * n));
    this.left = new Int32Array(n).fill(-1);
    this.right = new Int32Array(n).fill(-1);
    this.parent = new Int32Array(n).fill(-1);
    this.dir = new Uint8Array(n);
    this.adjHead = new Int32Array(n).fill(-1);
    this.adjNext = new Int32Array(2 * n);
    this.adjTo = new Int32Array(2 * n);
    this.adjOut = new Uint8Array(2 * n);
    this.queue = new Int32Array(n);
    for (let x = 0; x < n; x++) this.update(x);
  }

  /**
   * DP of x's tree rerooted at x for attribute a: [C, U, D] written to out.
   * max(C, U, D) is the tree's width; U excludes x's descendants, D its ancestors.
   */
  rerooted(x: number, a: number, out: Float64Array): void {
    this.access(x);
    const m = this.bwd[a]!;
    evalAtZero(m, MAP * x, out);
  }

  /** Links the tree of `small` (re-rooted at `small`) under `big` with the DAG edge tail→head. */
  link(small: number, big: number, smallIsTail: boolean): void {
    this.addAdj(small, big, smallIsTail ? 1 : 0);
    this.addAdj(big, small, smallIsTail ? 0 : 1);
    this.rebuildFrom(small, big);
    this.dir[small] = smallIsTail ? IN : OUT;
    this.update(small);
    this.access(big);
    for (let a = 0; a < this.k; a++) {
      evalAtZero(this.fwd[a]!, MAP * small, this.vec);
      const L = this.light[a]!;
      for (let i = 0; i < 3; i++) L[3 * big + i]! += this.vec[i]!;
    }
    this.parent[small] = big;
    this.update(big);
  }

  private addAdj(x: number, y: number, out: number): void {
    const s = this.nAdj++;
    this.adjTo[s] = y;
    this.adjOut[s] = out;
    this.adjNext[s] = this.adjHead[x]!;
    this.adjHead[x] = s;
  }

  /**
   * Re-roots the tree containing r at r by rebuilding it as singleton splay trees (all light),
   * ignoring the edge to `skip` (the link being added). O(tree size · K).
   */
  private rebuildFrom(r: number, skip: number): void {
    const q = this.queue;
    let qt = 0;
    q[qt++] = r;
    this.parent[r] = -1;
    this.dir[r] = ROOT;
    for (let qh = 0; qh < qt; qh++) {
      const x = q[qh]!;
      const px = this.parent[x]!;
      for (let s = this.adjHead[x]!; s >= 0; s = this.adjNext[s]!) {
        const y = this.adjTo[s]!;
        if (y === px || y === skip) continue;
        this.parent[y] = x;
        this.dir[y] = this.adjOut[s] ? OUT : IN;
        q[qt++] = y;
      }
    }
    for (let i = 0; i < qt; i++) {
      const x = q[i]!;
      this.left[x] = -1;
      this.right[x] = -1;
      for (let a = 0; a < this.k; a++) this.light[a]!.fill(0, 3 * x, 3 * x + 3);
    }
    for (let i = qt - 1; i >= 0; i--) {
      const x = q[i]!;
      this.update(x);
      const p = this.parent[x]!;
      if (p < 0) continue;
      for (let a = 0; a < this.k; a++) {
        evalAtZero(this.fwd[a]!, MAP * x, this.vec);
        const L = this.light[a]!;
        for (let j = 0; j < 3; j++) L[3 * p + j]! += this.vec[j]!;
      }
    }
  }

  private isSplayRoot(x: number): boolean {
    const p = this.parent[x]!;
    return p < 0 || (this.left[p] !== x && this.right[p] !== x);
  }

  private rotate(x: number): void {
    const p = this.parent[x]!;
    const g = this.parent[p]!;
    const { left, right, parent } = this;
    if (!this.isSplayRoot(p)) {
      if (left[g] === p) left[g] = x; else right[g] = x;
    }
    parent[x] = g;
    if (left[p] === x) {
      const b = right[x]!;
      left[p] = b;
      if (b >= 0) parent[b] = p;
      right[x] = p;
    } else {
      const b = left[x]!;
      right[p] = b;
      if (b >= 0) parent[b] = p;
      left[x] = p;
    }
    parent[p] = x;
    this.update(p);
    this.update(x);
  }

  private splay(x: number): void {
    while (!this.isSplayRoot(x)) {
      const p = this.parent[x]!;
      if (!this.isSplayRoot(p)) {
        const g = this.parent[p]!;
        const zigzig = (this.left[g] === p) === (this.left[p] === x);
        this.rotate(zigzig ? p : x);
      }
      this.rotate(x);
    }
  }

  private access(x: number): void {
    let last = -1;
    for (let y = x; y >= 0; y = this.parent[y]!) {
      this.splay(y);
      const r = this.right[y]!;
      for (let a = 0; a < this.k; a++) {
        const L = this.light[a]!;
        const F = this.fwd[a]!;
        if (r >= 0) {
          evalAtZero(F, MAP * r, this.vec);
          for (let j = 0; j < 3; j++) L[3 * y + j]! += this.vec[j]!;
        }
        if (last >= 0) {
          evalAtZero(F, MAP * last, this.vec);
          for (let j = 0; j < 3; j++) L[3 * y + j]! -= this.vec[j]!;
        }
      }
      this.right[y] = last;
      this.update(y);
      last = y;
    }
    this.splay(x);
  }

  /** Recomputes x's aggregates from its own maps and its splay children. */
  private update(x: number): void {
    const l = this.left[x]!;
    const r = this.right[x]!;
    const d = this.dir[x]!;
    for (let a = 0; a < this.k; a++) {
      const L = this.light[a]!;
      const d0 = this.w[a]![x]! + L[3 * x]!;
      const d1 = L[3 * x + 1]!;
      const d2 = L[3 * x + 2]!;
      const F = this.fwd[a]!;
      const B = this.bwd[a]!;
      // forward: agg(left) ∘ F_x ∘ agg(right)
      forwardMap(this.own, d, d0, d1, d2);
      let cur = this.own;
      if (r >= 0) { compose(cur, 0, F, MAP * r, this.tmpA); cur = this.tmpA; }
      if (l >= 0) { compose(F, MAP * l, cur, 0, this.tmpB); cur = this.tmpB; }
      F.set(cur, MAP * x);
      // backward: agg(right) ∘ B_x ∘ agg(left)
      backwardMap(this.own, d, d0, d1, d2);
      cur = this.own;
      if (l >= 0) { compose(cur, 0, B, MAP * l, this.tmpA); cur = this.tmpA; }
      if (r >= 0) { compose(B, MAP * r, cur, 0, this.tmpB); cur = this.tmpB; }
      B.set(cur, MAP * x);
    }
  }
}

/** F_x = T_dir ∘ (+d): the contribution of x to its parent given its preferred child's. */
function forwardMap(o: Float64Array, dir: number, d0: number, d1: number, d2: number): void {
  o.fill(NEG);
  if (dir === ROOT) { o[0] = d0; o[4] = d1; o[8] = d2; return; }
  if (dir === IN) { // (s.D, max s, s.D)
    o[2] = d2; o[3] = d0; o[4] = d1; o[5] = d2; o[8] = d2;
  } else { // (s.U, s.U, max s)
    o[1] = d1; o[4] = d1; o[6] = d0; o[7] = d1; o[8] = d2;
  }
}

/**
 * B_x(X) = d + T_opp(X): x's DP when the tree is rerooted below x, X being the parent's
 * rerooted DP without x's side. The parent becomes a child of x with the opposite role.
 */
function backwardMap(o: Float64Array, dir: number, d0: number, d1: number, d2: number): void {
  o.fill(NEG);
  if (dir === ROOT) { o[9] = d0; o[10] = d1; o[11] = d2; return; }
  if (dir === OUT) { // parent→x: parent is an in-child of x → (X.D, max X, X.D)
    o[2] = d0; o[3] = d1; o[4] = d1; o[5] = d1; o[8] = d2;
  } else { // x→parent: parent is an out-child of x → (X.U, X.U, max X)
    o[1] = d0; o[4] = d1; o[6] = d2; o[7] = d2; o[8] = d2;
  }
}

/** out = P ∘ Q (Q applied first). out may not alias P or Q. */
function compose(P: Float64Array, p: number, Q: Float64Array, q: number, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    const pi0 = P[p + 3 * i]!;
    const pi1 = P[p + 3 * i + 1]!;
    const pi2 = P[p + 3 * i + 2]!;
    for (let j = 0; j < 3; j++) {
      let best = pi0 + Q[q + j]!;
      const b = pi1 + Q[q + 3 + j]!;
      if (b > best) best = b;
      const c = pi2 + Q[q + 6 + j]!;
      if (c > best) best = c;
      out[3 * i + j] = best;
    }
    let best = P[p + 9 + i]!;
    let t = pi0 + Q[q + 9]!;
    if (t > best) best = t;
    t = pi1 + Q[q + 10]!;
    if (t > best) best = t;
    t = pi2 + Q[q + 11]!;
    if (t > best) best = t;
    out[9 + i] = best;
  }
}

/** The map applied to the zero vector (no child below the path). */
function evalAtZero(M: Float64Array, m: number, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    let best = M[m + 9 + i]!;
    for (let j = 0; j < 3; j++) if (M[m + 3 * i + j]! > best) best = M[m + 3 * i + j]!;
    out[i] = best;
  }
}
