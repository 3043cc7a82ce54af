pub mod nav;
pub mod status;
pub mod student_card;
pub mod student_form;
