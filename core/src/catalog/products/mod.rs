//! Products: the rows every other part of the catalog hangs on.

pub mod repo;
pub mod service;
