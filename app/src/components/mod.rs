pub mod nav;
pub mod student_card;
pub mod student_form;
pub mod status;
