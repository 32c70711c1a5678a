package dev.rds2bq.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression without Hadoop: parquet-java's own codec factory builds a Hadoop Configuration
 * for every codec, which drags hadoop-client-runtime (30 MB) into the Lambda package. Parquet's
 * SNAPPY is the raw snappy block format and its ZSTD a standard zstd frame, so the two native
 * libraries parquet-hadoop already depends on do the work directly. Writing only: nothing here reads.
 */
public final class PageCompressors implements CompressionCodecFactory {
  static final int ZSTD_LEVEL = 3;

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    switch (codec) {
      case SNAPPY:
        return new Compressor(codec) {
          @Override
          byte[] compress(byte[] page) throws IOException {
            return Snappy.compress(page);
          }
        };
      case ZSTD:
        return new Compressor(codec) {
          @Override
          byte[] compress(byte[] page) {
            return Zstd.compress(page, ZSTD_LEVEL);
          }
        };
      case UNCOMPRESSED:
        return new BytesInputCompressor() {
          @Override
          public BytesInput compress(BytesInput bytes) {
            return bytes;
          }

          @Override
          public CompressionCodecName getCodecName() {
            return codec;
          }

          @Override
          public void release() {}
        };
      default:
        throw new IllegalArgumentException("rds2bq writes SNAPPY, ZSTD or UNCOMPRESSED, not " + codec);
    }
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    throw new UnsupportedOperationException("rds2bq only writes Parquet");
  }

  @Override
  public void release() {}

  private abstract static class Compressor implements BytesInputCompressor {
    private final CompressionCodecName codec;

    Compressor(CompressionCodecName codec) {
      this.codec = codec;
    }

    abstract byte[] compress(byte[] page) throws IOException;

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(compress(bytes.toByteArray()));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {}
  }
}
