#include "sim/coe/hdf5_embeddings.h"

#include <cmath>
#include <filesystem>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "sim/config/config_error.h"
#include "sim/io/hdf5_column.h"
#include "sim/io/hdf5_errors.h"
#include "sim/io/hdf5_local_heaps.h"
#include "sim/io/hdf5_output_file.h"
#include "sim/io/hdf5_vlen_strings.h"

namespace coesim::coe {
namespace {

using config::ConfigError;

struct FileContents {
  std::vector<std::string> ids;
  EmbeddingMatrix rows;
};

std::vector<hsize_t> dims_of(const H5::DataSpace& space) {
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  space.getSimpleExtentDims(dims.data());
  return dims;
}

std::vector<std::string> read_strings(const H5::DataSet& ds, const std::string& file) {
  if (ds.getTypeClass() != H5T_STRING) throw ConfigError(file, 0, 0, "prompt_ids", "must be a string dataset");
  const std::vector<hsize_t> dims = dims_of(ds.getSpace());
  if (dims.size() != 1) throw ConfigError(file, 0, 0, "prompt_ids", "must be one-dimensional");
  const H5::StrType type = ds.getStrType();
  if (type.isVariableStr()) return io::VlenStringColumn(ds, file, "prompt_ids").read(0, dims[0]);
  std::error_code ec;  // every id is stored in the file: more ids than bytes is a corrupt dataspace
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
  if (ec || dims[0] > file_bytes || type.getSize() * dims[0] > file_bytes)
    throw ConfigError(file, 0, 0, "prompt_ids", fmt::format("{} ids cannot fit in this file: it is corrupt", dims[0]));
  std::vector<std::string> out(dims[0]);
  const std::size_t width = type.getSize();
  std::vector<char> raw(width * dims[0]);
  ds.read(raw.data(), type);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* s = raw.data() + i * width;
    out[i].assign(s, strnlen(s, width));
  }
  return out;
}

// A corrupt dataspace can claim terabytes for a matrix whose file holds 48
// bytes (fuzz embeddings_h5/crash-c270): the matrix must be stored in the file,
// raw or compressed at most 1032:1 (deflate's limit, zlib's technical notes).
void check_stored(const H5::DataSet& emb, const std::vector<hsize_t>& dims, const std::string& file) {
  constexpr hsize_t kMaxCompressionRatio = 1032;
  std::error_code ec;
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
  const hsize_t stored_bytes = emb.getStorageSize();
  const hsize_t max_ratio = emb.getCreatePlist().getNfilters() == 0 ? 1 : kMaxCompressionRatio;
  hsize_t values = 0, bytes = 0;
  if (ec || stored_bytes > file_bytes || __builtin_mul_overflow(dims[0], dims[1], &values) ||
      __builtin_mul_overflow(values, emb.getDataType().getSize(), &bytes) || bytes / max_ratio > stored_bytes)
    throw ConfigError(file, 0, 0, "embeddings",
                      fmt::format("a {} x {} matrix cannot be stored in the {} bytes the file gives it: the file is "
                                  "corrupt or incomplete",
                                  dims[0], dims[1], stored_bytes));
}

FileContents read_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;  // a name the OS refuses (too long, no permission) is "not found", not a throw
  if (!std::filesystem::exists(path, ec)) throw ConfigError(file, 0, 0, "", "embeddings file not found");
  try {
    io::record_hdf5_errors();
    const H5::H5File h5(file, H5F_ACC_RDONLY);
    io::check_local_heaps(h5, file);
    if (!h5.nameExists("embeddings")) throw ConfigError(file, 0, 0, "embeddings", "dataset missing");
    if (!h5.nameExists("prompt_ids")) throw ConfigError(file, 0, 0, "prompt_ids", "dataset missing");
    const H5::DataSet emb = h5.openDataSet("embeddings");
    if (emb.getTypeClass() != H5T_FLOAT) throw ConfigError(file, 0, 0, "embeddings", "must be floating point");
    const std::vector<hsize_t> dims = dims_of(emb.getSpace());
    if (dims.size() != 2 || dims[1] == 0)
      throw ConfigError(file, 0, 0, "embeddings", "must be two-dimensional [prompts, dimension]");
    FileContents c;
    c.ids = read_strings(h5.openDataSet("prompt_ids"), file);
    if (c.ids.size() != dims[0])
      throw ConfigError(file, 0, 0, "prompt_ids", fmt::format("{} ids for {} embedding rows", c.ids.size(), dims[0]));
    check_stored(emb, dims, file);
    c.rows.resize(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
    emb.read(c.rows.data(), H5::PredType::NATIVE_FLOAT);
    return c;
  } catch (const H5::Exception& e) {
    throw ConfigError(file, 0, 0, "", fmt::format("cannot read HDF5 embeddings: {}", io::hdf5_error_text(e)));
  }
}

}  // namespace

Hdf5Embeddings::Hdf5Embeddings(const std::vector<std::filesystem::path>& files, int expected_dimension)
    : dimension_(expected_dimension) {
  if (files.empty()) throw ConfigError("", 0, 0, "embedder.files", "no embeddings file given");
  std::vector<FileContents> contents;
  Eigen::Index total = 0;
  for (const auto& path : files) {
    FileContents c = read_file(path);
    const auto d = static_cast<int>(c.rows.cols());
    if (dimension_ > 0 && d != dimension_)
      throw ConfigError(path.string(), 0, 0, "embeddings",
                        fmt::format("dimension {} where {} is expected{}", d, dimension_,
                                    files_.empty() ? " (the router's embedder.dimension)" : " (an earlier file's)"));
    dimension_ = d;
    files_.push_back(path.string());
    total += c.rows.rows();
    contents.push_back(std::move(c));
  }
  rows_.resize(total, dimension_);
  Eigen::Index at = 0;
  for (std::size_t f = 0; f < contents.size(); ++f) {
    const FileContents& c = contents[f];
    for (Eigen::Index r = 0; r < c.rows.rows(); ++r, ++at) {
      const std::string& id = c.ids[static_cast<std::size_t>(r)];
      const float norm = c.rows.row(r).norm();
      if (!std::isfinite(norm) || norm == 0.0F)
        throw ConfigError(files_[f], 0, 0, "embeddings",
                          fmt::format("row {} (prompt id '{}') is zero or not finite", r, id));
      if (!row_of_.emplace(id, at).second)
        throw ConfigError(files_[f], 0, 0, "prompt_ids", fmt::format("duplicate prompt id '{}'", id));
      rows_.row(at) = c.rows.row(r) / norm;
    }
  }
}

EmbeddingMatrix Hdf5Embeddings::embed(std::span<const Prompt> prompts) const {
  EmbeddingMatrix out(static_cast<Eigen::Index>(prompts.size()), dimension_);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto it = row_of_.find(prompts[i].id);
    if (it == row_of_.end())
      throw ConfigError(files_.front(), 0, 0, "prompt_ids",
                        fmt::format("no embedding for prompt id '{}' in {}", prompts[i].id, fmt::join(files_, ", ")));
    out.row(static_cast<Eigen::Index>(i)) = rows_.row(it->second);
  }
  return out;
}

std::string Hdf5Embeddings::description() const {
  return fmt::format("hdf5 (precomputed, dimension {}, {} rows from {})", dimension_, rows_.rows(),
                     fmt::join(files_, ", "));
}

void write_hdf5_embeddings(const std::filesystem::path& file, const std::vector<std::string>& prompt_ids,
                           const EmbeddingMatrix& embeddings) {
  io::Hdf5OutputFile out(file);
  const hsize_t dims[2] = {static_cast<hsize_t>(embeddings.rows()), static_cast<hsize_t>(embeddings.cols())};
  H5::DataSet emb =
      out.root().createDataSet("embeddings", H5::PredType::IEEE_F32LE, H5::DataSpace(2, dims), io::dataset_props());
  emb.write(embeddings.data(), H5::PredType::NATIVE_FLOAT);
  io::Hdf5Column<std::string>(out.root(), "prompt_ids").append(prompt_ids);
  out.commit();
}

}  // namespace coesim::coe
