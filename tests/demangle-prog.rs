// SPDX-License-Identifier: GPL-2.0-or-later
// demangle-prog.rs: the Rust counterpart of demangle-prog.cc (a method of
// a struct faults its pages), for tests/t-report-demangle.sh where rustc is.
struct Pages {
    v: Vec<u8>,
}

impl Pages {
    #[inline(never)]
    fn touch(&mut self, step: usize) -> u64 {
        let mut s = 0u64;
        let mut i = 0;
        while i < self.v.len() {
            self.v[i] = 1;
            s += self.v[i] as u64;
            i += step;
        }
        s
    }
}

fn main() {
    let mut p = Pages { v: vec![0u8; 0] };
    p.v.reserve_exact(32 << 20);
    // SAFETY: u8 has no invalid values; the pages are written before read
    unsafe { p.v.set_len(32 << 20) };
    std::process::exit(if p.touch(4096) > 0 { 0 } else { 1 });
}
