//! A small size-class allocator for single-threaded `wasm32` modules.
//!
//! Why not the standard library's dlmalloc: it is ~8 KB of function bodies, which a JavaScript
//! engine compiles lazily on the first call that allocates, and a cold start pays for every
//! byte of that (see `benches/RESULTS.md` in the repository). This allocator is a few hundred
//! bytes, and every operation is constant time:
//!
//! - Every request is rounded up to a power of two of at least 16 bytes: its *class*.
//! - A freed block goes on the front of its class's free list (the link is kept in the block
//!   itself); a request takes the front block of its class, or carves a new one from the end of
//!   the heap, which grows by whole wasm pages.
//! - Blocks are never split or merged, so memory given to one class stays with it. That suits a
//!   module that serves the same kinds of request over and over (its peak per class is reached
//!   early and reused), at the cost of up to half of each block lost to rounding.
//! - New blocks are aligned to 16 bytes. A request for a larger alignment (nothing in this
//!   project makes one) gets a fresh, suitably aligned block and is never served from a free
//!   list.
//!
//! The heap logic ([`Heap`]) works on plain addresses over a [`Grow`] source, so it is tested on
//! the host over an ordinary buffer; [`WasmAlloc`] is the same heap over `memory.grow`.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

/// Smallest block: 16 bytes (room for the free-list link, and the alignment of every block).
const MIN_SHIFT: u32 = 4;
/// Alignment of every block carved from the heap.
const BLOCK_ALIGN: usize = 1 << MIN_SHIFT;
/// Number of classes: 16 bytes up to 2^31.
const CLASSES: usize = (usize::BITS - MIN_SHIFT) as usize;
/// A wasm page.
pub const PAGE: usize = 65536;
/// Fewest pages asked for at once, so that small blocks do not grow the memory page by page.
const MIN_GROW_PAGES: usize = 2;

/// Where the heap gets more memory: `grow(pages)` returns the address of `pages` new, zeroed
/// pages, or `None` when there are none.
pub trait Grow {
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The heap: one free list per class, and the unused end of the memory grown so far.
pub struct Heap<G> {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
    source: G,
}

/// The class of a request: the power of two its size (and alignment) rounds up to.
fn class(layout: Layout) -> Option<usize> {
    let size = layout
        .size()
        .max(layout.align())
        .max(BLOCK_ALIGN)
        .checked_next_power_of_two()?;
    let class = (size.trailing_zeros() - MIN_SHIFT) as usize;
    (class < CLASSES).then_some(class)
}

fn class_size(class: usize) -> usize {
    1 << (class as u32 + MIN_SHIFT)
}

impl<G: Grow> Heap<G> {
    /// An empty heap over `source`.
    pub const fn new(source: G) -> Self {
        Self {
            free: [0; CLASSES],
            next: 0,
            end: 0,
            source,
        }
    }

    /// A block for `layout`, or null.
    ///
    /// # Safety
    /// Every address `source` returned must be memory this heap may write, and blocks handed
    /// to [`Heap::dealloc`] must come from this heap with the same layout.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout) else {
            return core::ptr::null_mut();
        };
        let align = layout.align();
        if align <= BLOCK_ALIGN {
            if let Some(slot) = self.free.get_mut(class).filter(|slot| **slot != 0) {
                let head = *slot;
                // SAFETY: `head` is a freed block of this class, which holds the next link.
                *slot = unsafe { (head as *const usize).read() };
                return head as *mut u8;
            }
        }
        self.carve(class_size(class), align.max(BLOCK_ALIGN))
    }

    /// Returns a block to its class.
    ///
    /// # Safety
    /// `ptr` must come from [`Heap::alloc`] of this heap with this `layout`, and not be used
    /// again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class(layout) else { return };
        if let Some(slot) = self.free.get_mut(class) {
            // SAFETY: the block is at least 16 bytes and 16-aligned, and is ours again.
            unsafe { (ptr as *mut usize).write(*slot) };
            *slot = ptr as usize;
        }
    }

    /// Resizes in place when the new size is of the same class; otherwise moves.
    ///
    /// # Safety
    /// As for [`Heap::dealloc`]; `new_size` must not overflow when rounded to `layout.align()`.
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        let new_class = class(new_layout);
        if new_class.is_some() && new_class == class(layout) {
            return ptr;
        }
        // SAFETY: forwarded from the caller's promises.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are at least min(old, new) bytes long and distinct.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }

    /// A new block of `size` bytes aligned to `align`, from the end of the heap.
    fn carve(&mut self, size: usize, align: usize) -> *mut u8 {
        let fits = |next: usize, end: usize| {
            let start = next.checked_add(align - 1)? & !(align - 1);
            (start.checked_add(size)? <= end).then_some(start)
        };
        if let Some(start) = fits(self.next, self.end) {
            self.next = start + size;
            return start as *mut u8;
        }
        let Some(want) = size.checked_add(align) else {
            return core::ptr::null_mut();
        };
        let pages = want.div_ceil(PAGE).max(MIN_GROW_PAGES);
        let Some((base, end)) = self
            .source
            .grow(pages)
            .and_then(|base| Some((base, base.checked_add(pages.checked_mul(PAGE)?)?)))
        else {
            return core::ptr::null_mut();
        };
        // New pages right after the current end extend it; elsewhere they start anew (the
        // unused rest of the old end is given up).
        if base != self.end || self.end == 0 {
            self.next = base;
        }
        self.end = end;
        match fits(self.next, self.end) {
            Some(start) => {
                self.next = start + size;
                start as *mut u8
            }
            None => core::ptr::null_mut(),
        }
    }
}

/// `memory.grow` on the module's memory 0.
#[derive(Clone, Copy)]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Grow for WasmMemory {
    fn grow(&mut self, pages: usize) -> Option<usize> {
        let old = core::arch::wasm32::memory_grow(0, pages);
        (old != usize::MAX).then(|| old * PAGE)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Grow for WasmMemory {
    fn grow(&mut self, _pages: usize) -> Option<usize> {
        None
    }
}

/// The global allocator for a single-threaded wasm32 module:
/// `#[global_allocator] static ALLOC: WasmAlloc = WasmAlloc::new();`
pub struct WasmAlloc {
    heap: UnsafeCell<Heap<WasmMemory>>,
}

// SAFETY: wasm32 without the atomics feature has one thread; nothing can share the heap.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl Sync for WasmAlloc {}

impl WasmAlloc {
    /// The allocator, with an empty heap.
    pub const fn new() -> Self {
        Self {
            heap: UnsafeCell::new(Heap::new(WasmMemory)),
        }
    }
}

impl Default for WasmAlloc {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: blocks never overlap (each is carved once from fresh memory, and a freed block is
// handed out again only after it was returned), every block is aligned to its layout, and the
// heap is only ever touched by the one thread, never re-entrantly (it allocates nothing itself).
unsafe impl GlobalAlloc for WasmAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded and not re-entrant (see above).
        unsafe { (*self.heap.get()).alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for alloc; the caller's promises are GlobalAlloc's.
        unsafe { (*self.heap.get()).dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for alloc; the caller's promises are GlobalAlloc's.
        unsafe { (*self.heap.get()).realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// Pages from one big buffer, as memory.grow hands them out.
    struct Buffer {
        mem: Vec<u128>,
        used_pages: usize,
        grows: usize,
    }

    impl Buffer {
        fn new(pages: usize) -> Self {
            Self {
                mem: std::vec![0u128; pages * PAGE / 16],
                used_pages: 0,
                grows: 0,
            }
        }
        fn base(&self) -> usize {
            self.mem.as_ptr() as usize
        }
        fn pages(&self) -> usize {
            self.mem.len() * 16 / PAGE
        }
    }

    impl Grow for &mut Buffer {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            if self.used_pages + pages > self.pages() {
                return None;
            }
            let at = self.base() + self.used_pages * PAGE;
            self.used_pages += pages;
            self.grows += 1;
            Some(at)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_round_up_to_powers_of_two_of_at_least_16() {
        assert_eq!(class(layout(0, 1)), Some(0));
        assert_eq!(class(layout(1, 1)), Some(0));
        assert_eq!(class(layout(16, 8)), Some(0));
        assert_eq!(class(layout(17, 1)), Some(1));
        assert_eq!(class(layout(4, 64)), Some(2));
        assert_eq!(class(layout(1 << 20, 8)), Some(16));
        assert_eq!(class(layout((1 << 20) + 1, 8)), Some(17));
        assert_eq!(class_size(17), 1 << 21);
    }

    #[test]
    fn a_freed_block_is_reused_by_its_class_only() {
        let mut buf = Buffer::new(64);
        let mut heap = Heap::new(&mut buf);
        unsafe {
            let a = heap.alloc(layout(100, 8));
            let b = heap.alloc(layout(100, 8));
            assert_ne!(a, b);
            heap.dealloc(a, layout(100, 8));
            let other = heap.alloc(layout(20, 8));
            assert_ne!(other, a, "a 32-byte request took a 128-byte block");
            let again = heap.alloc(layout(128, 8));
            assert_eq!(again, a, "the freed block of the class was not reused");
        }
    }

    #[test]
    fn realloc_within_a_class_stays_in_place_and_moves_with_its_bytes_otherwise() {
        let mut buf = Buffer::new(64);
        let mut heap = Heap::new(&mut buf);
        unsafe {
            let p = heap.alloc(layout(40, 1));
            for i in 0..40 {
                p.add(i).write(i as u8);
            }
            assert_eq!(heap.realloc(p, layout(40, 1), 64), p);
            let q = heap.realloc(p, layout(64, 1), 65);
            assert_ne!(q, p);
            for i in 0..40 {
                assert_eq!(q.add(i).read(), i as u8);
            }
            assert_eq!(heap.alloc(layout(64, 1)), p, "the old block was not freed");
        }
    }

    #[test]
    fn larger_alignments_are_honoured() {
        let mut buf = Buffer::new(64);
        let mut heap = Heap::new(&mut buf);
        unsafe {
            let _ = heap.alloc(layout(16, 16));
            for align in [32, 64, 4096, PAGE] {
                let p = heap.alloc(layout(8, align));
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "align {align}");
            }
        }
    }

    #[test]
    fn out_of_memory_is_null_not_a_panic() {
        let mut buf = Buffer::new(4);
        let mut heap = Heap::new(&mut buf);
        unsafe {
            assert!(heap.alloc(layout(5 * PAGE, 8)).is_null());
            assert!(heap.alloc(layout(usize::MAX / 4, 8)).is_null());
            assert!(!heap.alloc(layout(PAGE, 8)).is_null());
        }
    }

    /// Pages at the very end of the address space: their end does not fit in a `usize`.
    struct TopOfMemory;

    impl Grow for TopOfMemory {
        fn grow(&mut self, _pages: usize) -> Option<usize> {
            Some(usize::MAX - PAGE + 1)
        }
    }

    #[test]
    fn pages_whose_end_overflows_the_address_space_are_refused_not_wrapped() {
        let mut heap = Heap::new(TopOfMemory);
        assert!(unsafe { heap.alloc(layout(16, 8)) }.is_null());
        assert_eq!(heap.end, 0, "the heap's end wrapped around");
    }

    #[test]
    fn growth_is_by_pages_and_contiguous_growth_extends_the_heap() {
        let mut buf = Buffer::new(64);
        {
            let mut heap = Heap::new(&mut buf);
            unsafe {
                for _ in 0..(2 * PAGE / 1024) {
                    assert!(!heap.alloc(layout(1024, 8)).is_null());
                }
                // The first grow gave two pages, exactly used up: the next block grows again and
                // continues right after them.
                let p = heap.alloc(layout(1024, 8)) as usize;
                assert_eq!(p, heap.source.base() + 2 * PAGE);
            }
        }
        assert_eq!(buf.grows, 2);
    }

    /// A deterministic random mix of allocations, frees and reallocations: no two live blocks
    /// overlap, each is aligned, and each keeps the bytes written to it.
    #[test]
    fn random_workload_keeps_blocks_disjoint_aligned_and_intact() {
        let mut buf = Buffer::new(512);
        let mut heap = Heap::new(&mut buf);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        for step in 0..20_000u32 {
            let r = rand();
            if live.is_empty() || (live.len() < 300 && r % 3 != 0) {
                let size = match r % 10 {
                    0..=5 => (r >> 8) as usize % 64,
                    6..=8 => (r >> 8) as usize % 4096,
                    _ => (r >> 8) as usize % 70_000,
                };
                let align = [1, 2, 4, 8, 16, 32][(r >> 40) as usize % 6];
                let l = layout(size, align);
                let p = unsafe { heap.alloc(l) };
                assert!(!p.is_null(), "step {step}: out of memory");
                assert_eq!(p as usize % align, 0);
                let tag = step as u8;
                unsafe { core::ptr::write_bytes(p, tag, size) };
                live.push((p, l, tag));
            } else {
                let i = (r >> 8) as usize % live.len();
                let (p, l, tag) = live.swap_remove(i);
                for k in 0..l.size() {
                    assert_eq!(
                        unsafe { p.add(k).read() },
                        tag,
                        "step {step}: block corrupted"
                    );
                }
                if r % 2 == 0 {
                    unsafe { heap.dealloc(p, l) };
                } else {
                    let new_size = (r >> 20) as usize % 8192;
                    let q = unsafe { heap.realloc(p, l, new_size) };
                    assert!(!q.is_null());
                    let nl = layout(new_size, l.align());
                    for k in 0..l.size().min(new_size) {
                        assert_eq!(
                            unsafe { q.add(k).read() },
                            tag,
                            "step {step}: realloc lost bytes"
                        );
                    }
                    unsafe { core::ptr::write_bytes(q, tag, new_size) };
                    live.push((q, nl, tag));
                }
            }
            if step % 1000 == 0 {
                let mut spans: Vec<(usize, usize)> = live
                    .iter()
                    .map(|(p, l, _)| (*p as usize, *p as usize + class_size(class(*l).unwrap())))
                    .collect();
                spans.sort();
                for w in spans.windows(2) {
                    assert!(w[0].1 <= w[1].0, "step {step}: blocks overlap");
                }
            }
        }
    }
}
