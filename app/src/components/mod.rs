pub mod chart;
pub mod nav;
pub mod picker;
pub mod status;
