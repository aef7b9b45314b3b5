"""The command line keeps freed memory for reuse on glibc, and changes nothing elsewhere."""

import platform
import sys

from reliability.cli import memory


def test_glibc_agrees():
    agreed = memory.reuse_freed_memory()
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert agreed is glibc


def test_other_systems_are_left_alone(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.reuse_freed_memory() is False
