//! Tests of the real `cora` binary against real files in temp dirs.
