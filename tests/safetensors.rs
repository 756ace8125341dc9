//! `autograd::safetensors`: round trips, and files laid out as PyTorch's
//! `safetensors.torch.save_file` writes them, built byte by byte.

use autograd::nn::{Linear, Module, Sequential};
use autograd::safetensors::{self, SafetensorsError};
use autograd::{manual_seed, DType, Tensor};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A file path in the temp dir, unique per test and process, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let file = format!("autograd-{}-{name}", std::process::id());
        TempFile(std::env::temp_dir().join(file))
    }
}

impl AsRef<Path> for TempFile {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The bytes of a safetensors file: `u64` little-endian header length, the JSON header padded
/// with spaces to a multiple of 8 bytes (as the Python and Rust writers do), then the data.
fn file_bytes(header: &str, data: &[u8]) -> Vec<u8> {
    let mut header = header.as_bytes().to_vec();
    header.resize(header.len().div_ceil(8) * 8, b' ');
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header);
    bytes.extend(data);
    bytes
}

fn le_f32(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn le_f64(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[test]
fn round_trip_keeps_names_shapes_dtypes_and_values() {
    let tensors = vec![
        ("scalar", Tensor::scalar(2.5)),
        ("vec64", Tensor::from_vec(vec![1.0f64, -2.0, 3.5], &[3])),
        (
            "mat32",
            Tensor::from_vec(vec![0.1f32, 0.2, 0.3, 0.4, 0.5, 0.6], &[2, 3]),
        ),
        (
            "cube64",
            Tensor::from_vec((0..24).map(|i| i as f64 / 7.0).collect(), &[2, 3, 4]),
        ),
        ("empty", Tensor::zeros(&[0, 3])),
        ("mask", Tensor::from_vec(vec![1.0f32, -1.0], &[2]).gt(0.0)),
    ];
    let path = TempFile::new("round_trip.safetensors");
    safetensors::save(&path, &tensors).unwrap();
    let loaded = safetensors::load(&path).unwrap();
    assert_eq!(loaded.len(), tensors.len());
    for (name, t) in &tensors {
        let l = &loaded[*name];
        assert_eq!(l.shape(), t.shape(), "{name}");
        assert_eq!(l.dtype(), t.dtype(), "{name}");
        assert_eq!(l.to_vec(), t.to_vec(), "{name}");
        assert!(!l.requires_grad() && l.is_leaf());
    }
    assert_eq!(loaded["mat32"].dtype(), DType::F32);
    assert_eq!(loaded["cube64"].dtype(), DType::F64);
    assert_eq!(loaded["mask"].dtype(), DType::Bool);
}

#[test]
fn saves_from_slices_of_references_vecs_and_hashmaps() {
    let w = Tensor::ones(&[2]).requires_grad_(true);
    let y = &w * 3.0; // a non-leaf: its values are saved, the graph is not
    let path = TempFile::new("inputs.safetensors");
    safetensors::save(&path, &[("w", &w), ("y", &y)]).unwrap();
    assert_eq!(
        safetensors::load(&path).unwrap()["y"].to_vec(),
        vec![3.0, 3.0]
    );

    let map: HashMap<String, Tensor> = HashMap::from([("a".to_string(), w.clone())]);
    safetensors::save(&path, &map).unwrap();
    assert_eq!(safetensors::load(&path).unwrap().len(), 1);
    safetensors::save(&path, map).unwrap();

    let owned: Vec<(String, Tensor)> = vec![("b".into(), y)];
    safetensors::save(&path, owned).unwrap();
    assert!(safetensors::load(&path).unwrap().contains_key("b"));
}

#[test]
fn writes_the_documented_layout() {
    // One F64 tensor [2] = [1.5, -2]: header {"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}
    let bytes =
        safetensors::to_bytes([("x", &Tensor::from_vec(vec![1.5f64, -2.0], &[2]))], None).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap().trim_end();
    assert_eq!(
        header,
        r#"{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#
    );
    assert_eq!(&bytes[8 + n..], le_f64(&[1.5, -2.0]).as_slice());
}

#[test]
fn reads_a_file_laid_out_as_pytorch_writes_it() {
    // What `safetensors.torch.save_file({"w": torch.arange(6.).reshape(2, 3),
    // "s": torch.tensor(0.5, dtype=torch.float64), "c": torch.ones(1, 2, 2, dtype=torch.float64),
    // "v": torch.tensor([-1., 2.])}, path, metadata={"format": "pt"})` writes: tensors sorted
    // by dtype alignment (F64 first) then name, data back to back, metadata first in the
    // header.
    let header = concat!(
        r#"{"__metadata__":{"format":"pt"},"#,
        r#""c":{"dtype":"F64","shape":[1,2,2],"data_offsets":[0,32]},"#,
        r#""s":{"dtype":"F64","shape":[],"data_offsets":[32,40]},"#,
        r#""v":{"dtype":"F32","shape":[2],"data_offsets":[40,48]},"#,
        r#""w":{"dtype":"F32","shape":[2,3],"data_offsets":[48,72]}}"#
    );
    let mut data = le_f64(&[1.0, 1.0, 1.0, 1.0]);
    data.extend(le_f64(&[0.5]));
    data.extend(le_f32(&[-1.0, 2.0]));
    data.extend(le_f32(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]));
    let path = TempFile::new("from_pytorch.safetensors");
    std::fs::write(&path, file_bytes(header, &data)).unwrap();

    let (loaded, metadata) = safetensors::load_with_metadata(&path).unwrap();
    assert_eq!(metadata["format"], "pt");
    assert_eq!(loaded["w"].shape(), &[2, 3]);
    assert_eq!(loaded["w"].dtype(), DType::F32);
    assert_eq!(loaded["w"].to_vec(), vec![0., 1., 2., 3., 4., 5.]);
    assert_eq!(loaded["s"].shape(), &[] as &[usize]);
    assert_eq!(loaded["s"].dtype(), DType::F64);
    assert_eq!(loaded["s"].item(), 0.5);
    assert_eq!(loaded["c"].shape(), &[1, 2, 2]);
    assert_eq!(loaded["c"].to_vec(), vec![1.0; 4]);
    assert_eq!(loaded["v"].to_vec(), vec![-1.0, 2.0]);
    assert_eq!(safetensors::load(&path).unwrap().len(), 4);
}

#[test]
fn metadata_round_trips() {
    let path = TempFile::new("metadata.safetensors");
    let meta = HashMap::from([("epoch".to_string(), "3".to_string())]);
    safetensors::save_with_metadata(&path, [("a", Tensor::ones(&[1]))], Some(meta.clone()))
        .unwrap();
    assert_eq!(safetensors::load_with_metadata(&path).unwrap().1, meta);
    safetensors::save(&path, [("a", Tensor::ones(&[1]))]).unwrap();
    assert!(safetensors::load_with_metadata(&path).unwrap().1.is_empty());
}

#[test]
fn model_weights_move_through_a_file() {
    manual_seed(11);
    let a = Sequential::new()
        .add(Linear::new(3, 4))
        .add(Linear::new(4, 2));
    let b = Sequential::new()
        .add(Linear::new(3, 4))
        .add(Linear::new(4, 2));
    let path = TempFile::new("model.safetensors");
    safetensors::save(&path, a.named_parameters()).unwrap();
    b.load_state_dict(&safetensors::load(&path).unwrap())
        .unwrap();
    let x = Tensor::randn(&[5, 3]);
    assert_eq!(a.forward(&x).to_vec(), b.forward(&x).to_vec());
}

#[test]
fn a_missing_file_names_the_path() {
    let path = TempFile::new("does_not_exist.safetensors");
    let err = safetensors::load(&path).unwrap_err();
    assert!(matches!(err, SafetensorsError::Read { .. }));
    assert!(
        err.to_string().contains("does_not_exist.safetensors"),
        "{err}"
    );
}

#[test]
fn garbage_is_a_format_error() {
    let err = safetensors::from_bytes(b"not a safetensors file").unwrap_err();
    assert!(matches!(err, SafetensorsError::Format(_)), "{err}");
    // Offsets that do not cover the data.
    let bytes = file_bytes(
        r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#,
        &[0; 8],
    );
    assert!(matches!(
        safetensors::from_bytes(&bytes).unwrap_err(),
        SafetensorsError::Format(_)
    ));
}

#[test]
fn half_precision_is_refused_with_a_hint() {
    let bytes = file_bytes(
        r#"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#,
        &[0, 60],
    );
    let err = safetensors::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "safetensors: tensor `h` has dtype F16, but only F32, F64 and BOOL can be loaded; convert it (e.g. `.float()` in PyTorch) before saving"
    );
}

#[test]
fn duplicate_names_are_refused() {
    let t = Tensor::ones(&[1]);
    let err = safetensors::to_bytes([("a", &t), ("a", &t)], None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "safetensors: the name `a` is given to two tensors; names must be unique"
    );
}
