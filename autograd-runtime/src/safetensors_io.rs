//! Named tensors on disk in the [safetensors] format, the one PyTorch
//! (`safetensors.torch.save_file` / `load_file`) and candle read and write.
//!
//! A file is an 8-byte little-endian header length, a JSON header mapping each name to its
//! `dtype` (`"F32"`, `"F64"`, `"BOOL"`), `shape` and `data_offsets`, with optional string
//! `"__metadata__"`, then the raw little-endian elements. Shapes and dtypes survive the round
//! trip; loaded tensors are leaves that do not require grad.
//!
//! ```
//! use autograd::{safetensors, Tensor};
//!
//! let path = std::env::temp_dir().join("autograd-doc-weights.safetensors");
//! let w = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2]);
//! safetensors::save(&path, &[("w", &w), ("b", &Tensor::zeros(&[2]))]).unwrap();
//! let loaded = safetensors::load(&path).unwrap();
//! assert_eq!(loaded["w"].shape(), &[2, 2]);
//! assert_eq!(loaded["w"].dtype(), w.dtype());
//! assert_eq!(loaded["w"].to_vec(), w.to_vec());
//! # std::fs::remove_file(&path).unwrap();
//! ```
//!
//! [safetensors]: https://huggingface.co/docs/safetensors

use crate::storage::Buffer;
use crate::Tensor;
use ::safetensors::tensor::{Dtype, SafeTensorError, SafeTensors, TensorView};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why saving or loading failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SafetensorsError {
    /// The file could not be read.
    #[error("safetensors: cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("safetensors: cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a valid safetensors file (header, offsets or sizes).
    #[error("safetensors: invalid data: {0}")]
    Format(#[source] SafeTensorError),
    /// A tensor in the file has a dtype this library has no tensors of.
    #[error("safetensors: tensor `{name}` has dtype {dtype}, but only F32, F64 and BOOL can be loaded; convert it (e.g. `.float()` in PyTorch) before saving")]
    UnsupportedDtype {
        /// The tensor's name.
        name: String,
        /// The dtype's name in the header.
        dtype: String,
    },
    /// Two tensors to save have the same name.
    #[error("safetensors: the name `{name}` is given to two tensors; names must be unique")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
}

/// One named tensor to save: implemented for `(name, tensor)` pairs (`name` any `AsRef<str>`,
/// `tensor` a `Tensor` or `&Tensor`) and references to them, so slices, `Vec`s and `HashMap`s
/// of named tensors can all be saved.
pub trait NamedTensor {
    /// The name.
    fn name(&self) -> &str;
    /// The tensor.
    fn tensor(&self) -> &Tensor;
}

impl<S: AsRef<str>, T: Borrow<Tensor>> NamedTensor for (S, T) {
    fn name(&self) -> &str {
        self.0.as_ref()
    }
    fn tensor(&self) -> &Tensor {
        self.1.borrow()
    }
}

impl<N: NamedTensor + ?Sized> NamedTensor for &N {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn tensor(&self) -> &Tensor {
        (**self).tensor()
    }
}

/// Writes `tensors` to `path` in the safetensors format (replacing the file atomically).
///
/// `tensors` may be `&[("w", &w)]`, a `Vec<(String, Tensor)>` such as a module's
/// `named_parameters()`, or a `&HashMap<String, Tensor>` such as its `state_dict()`.
pub fn save<I>(path: impl AsRef<Path>, tensors: I) -> Result<(), SafetensorsError>
where
    I: IntoIterator,
    I::Item: NamedTensor,
{
    save_with_metadata(path, tensors, None)
}

/// [`save`] with string metadata stored under the header's `"__metadata__"` key.
pub fn save_with_metadata<I>(
    path: impl AsRef<Path>,
    tensors: I,
    metadata: Option<HashMap<String, String>>,
) -> Result<(), SafetensorsError>
where
    I: IntoIterator,
    I::Item: NamedTensor,
{
    let path = path.as_ref();
    let encoded = encode_all(tensors)?;
    let views = views(&encoded);
    ::safetensors::serialize_to_file(views, metadata, path).map_err(|e| match e {
        SafeTensorError::IoError(source) => SafetensorsError::Write {
            path: path.to_path_buf(),
            source,
        },
        other => SafetensorsError::Format(other),
    })
}

/// The bytes of a safetensors file holding `tensors` (see [`save`]).
pub fn to_bytes<I>(
    tensors: I,
    metadata: Option<HashMap<String, String>>,
) -> Result<Vec<u8>, SafetensorsError>
where
    I: IntoIterator,
    I::Item: NamedTensor,
{
    let encoded = encode_all(tensors)?;
    ::safetensors::serialize(views(&encoded), metadata).map_err(SafetensorsError::Format)
}

/// Reads every tensor of the safetensors file at `path`, keeping names, shapes and dtypes.
pub fn load(path: impl AsRef<Path>) -> Result<HashMap<String, Tensor>, SafetensorsError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| SafetensorsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    from_bytes(&bytes)
}

/// Tensors by name, and string metadata, as a file holds them.
pub type TensorsAndMetadata = (HashMap<String, Tensor>, HashMap<String, String>);

/// [`load`] that also returns the header's `"__metadata__"` (empty when absent).
pub fn load_with_metadata(path: impl AsRef<Path>) -> Result<TensorsAndMetadata, SafetensorsError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| SafetensorsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(SafetensorsError::Format)?;
    let metadata = header.metadata().clone().unwrap_or_default();
    Ok((from_bytes(&bytes)?, metadata))
}

/// The tensors of safetensors bytes (see [`load`]).
pub fn from_bytes(bytes: &[u8]) -> Result<HashMap<String, Tensor>, SafetensorsError> {
    let file = SafeTensors::deserialize(bytes).map_err(SafetensorsError::Format)?;
    file.iter()
        .map(|(name, view)| Ok((name.to_string(), decode(name, &view)?)))
        .collect()
}

/// A tensor's header entry and little-endian bytes, owned until serialisation borrows them.
struct Encoded {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

fn encode_all<I>(tensors: I) -> Result<Vec<Encoded>, SafetensorsError>
where
    I: IntoIterator,
    I::Item: NamedTensor,
{
    let mut seen = HashSet::new();
    tensors
        .into_iter()
        .map(|item| {
            let name = item.name().to_string();
            if !seen.insert(name.clone()) {
                return Err(SafetensorsError::DuplicateName { name });
            }
            let t = item.tensor();
            let (dtype, data) = match &*t.buffer() {
                Buffer::F32(v) => (Dtype::F32, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
                Buffer::F64(v) => (Dtype::F64, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
                Buffer::Bool(v) => (Dtype::BOOL, v.iter().map(|&b| u8::from(b)).collect()),
            };
            Ok(Encoded {
                name,
                dtype,
                shape: t.shape().to_vec(),
                data,
            })
        })
        .collect()
}

fn views(encoded: &[Encoded]) -> Vec<(&str, TensorView<'_>)> {
    encoded
        .iter()
        .map(|e| {
            let view = TensorView::new(e.dtype, e.shape.clone(), &e.data)
                .expect("the byte count follows from the shape and dtype");
            (e.name.as_str(), view)
        })
        .collect()
}

/// A leaf tensor from a view. The data may sit at any byte offset, so elements are read with
/// `from_le_bytes` rather than by reinterpreting the slice.
fn decode(name: &str, view: &TensorView<'_>) -> Result<Tensor, SafetensorsError> {
    let data = view.data();
    let buffer = match view.dtype() {
        Dtype::F32 => Buffer::F32(
            data.chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect(),
        ),
        Dtype::F64 => Buffer::F64(
            data.chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
        ),
        Dtype::BOOL => Buffer::Bool(data.iter().map(|&b| b != 0).collect()),
        other => {
            return Err(SafetensorsError::UnsupportedDtype {
                name: name.to_string(),
                dtype: format!("{other:?}"),
            })
        }
    };
    Ok(Tensor::from_buffer(buffer, view.shape().to_vec()))
}
