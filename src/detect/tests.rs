//! Detector tests: one group per pattern family and per filter, in Arabic
//! and English, on invented watchlists of other conflicts.
