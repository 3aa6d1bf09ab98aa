#include <cstdio>
int main() { std::puts("coesim"); return 0; }
