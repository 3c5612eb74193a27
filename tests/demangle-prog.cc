// SPDX-License-Identifier: GPL-2.0-or-later
// demangle-prog: a C++ program whose faults come from a method in a
// namespace, called through a function taking a reference, so that each
// view of its recording has C++ names to show (tests/t-report-demangle.sh
// builds it with g++ and records it with --call-graph).
#include <cstdlib>

namespace ns {
class Toucher {
public:
	explicit Toucher(std::size_t n) : n_(n) {}
	__attribute__((noinline)) long method(int step);

private:
	std::size_t n_;
};

long Toucher::method(int step)
{
	char *p = static_cast<char *>(std::malloc(n_));
	long s = 0;

	for (std::size_t i = 0; i < n_; i += static_cast<std::size_t>(step)) {
		p[i] = 1;
		s += p[i];
	}
	asm volatile("" ::"r"(p) : "memory");
	std::free(p);
	return s;
}
} // namespace ns

__attribute__((noinline)) long run(ns::Toucher &t)
{
	return t.method(4096);
}

int main()
{
	ns::Toucher t(32u << 20);

	return run(t) > 0 ? 0 : 1;
}
