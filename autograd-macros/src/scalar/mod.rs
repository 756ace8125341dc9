//! The scalar adjoint engine: one engine, two uses.
//!
//! A [`Program`] is straight-line scalar code (three-address form: every [`Stmt::Def`] applies
//! one [`Op`] to [`Operand`]s) with `for` loops. From it, [`codegen`] emits
//! - the forward code (the values, and a tape per loop of the values the reverse needs), and
//! - the reverse code: every statement's adjoint, in reverse order, accumulating (`+=`) into
//!   the adjoint of each operand, so a value used more than once sums its contributions.
//!
//! Its two front-ends:
//! - plain-number functions ([`lower`]): the body of `fn f(x: f64, ..) -> f64` becomes a
//!   program whose inputs are the parameters; `f_grad` is forward + reverse.
//! - fused elementwise tensor loops (the static expansion, phase 2): a chain of elementwise
//!   tensor ops becomes a program over one element of each operand; the kernel runs forward
//!   (and reverse, seeded with the output gradient's element) once per element.
//!
//! The derivative of every operation lives in [`rules`], beside its forward formula.

pub mod codegen;
pub mod ir;
pub mod lower;
pub mod rules;

pub use codegen::Emitter;
pub use ir::BinaryOp;
