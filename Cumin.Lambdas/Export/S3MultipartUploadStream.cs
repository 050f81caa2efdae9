using Amazon.S3;
using Amazon.S3.Model;

namespace Cumin.Lambdas.Export;

/// <summary>
/// A write-only stream into one S3 multipart upload. Bytes collect in a single buffer of exactly the part size; each
/// time it fills, it is uploaded as the next part before more is accepted, so memory stays at one part however large
/// the object grows. <see cref="CompleteAsync"/> uploads the rest as the last part and completes the upload; disposing
/// without completing aborts it, so no invisible parts are left to bill.
/// </summary>
public sealed class S3MultipartUploadStream : Stream
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string _uploadId;
    private readonly byte[] _buffer;
    private readonly List<PartETag> _parts = [];
    private readonly List<int> _partSizes = [];
    private int _filled;
    private long _length;
    private bool _completed;
    private bool _aborted;

    private S3MultipartUploadStream(IAmazonS3 s3, string bucket, string key, string uploadId, int partSize)
    {
        _s3 = s3;
        _bucket = bucket;
        _key = key;
        _uploadId = uploadId;
        _buffer = new byte[partSize];
    }

    /// <summary>Sizes of the parts uploaded so far, in order.</summary>
    public IReadOnlyList<int> PartSizes => _partSizes;

    /// <summary>The one buffer this stream holds: the part size, never more.</summary>
    public int BufferSize => _buffer.Length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed && !_aborted;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts a multipart upload of <paramref name="key"/>; parts are <paramref name="partSize"/> bytes but the last.</summary>
    public static async Task<S3MultipartUploadStream> StartAsync(
        IAmazonS3 s3, string bucket, string key, int partSize, string contentType, string? contentDisposition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, 1);
        var request = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType };
        if (contentDisposition is not null)
        {
            request.Headers.ContentDisposition = contentDisposition;
        }

        var response = await s3.InitiateMultipartUploadAsync(request, cancellationToken);
        return new S3MultipartUploadStream(s3, bucket, key, response.UploadId, partSize);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(!CanWrite, this);
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            _length += take;
            buffer = buffer[take..];
            if (_filled == _buffer.Length)
            {
                await UploadPartAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writers here are asynchronous (CsvHelper's async API over a StreamWriter); a synchronous write blocks on the part upload.</summary>
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>A flush does not upload: parts must be full-sized (S3 rejects small ones but the last).</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Uploads what is buffered as the last part and completes the upload; returns the object's size.</summary>
    public async Task<long> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(!CanWrite, this);
        if (_filled > 0 || _parts.Count == 0)
        {
            await UploadPartAsync(cancellationToken);
        }

        var request = new CompleteMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId, PartETags = [.. _parts] };
        await _s3.CompleteMultipartUploadAsync(request, cancellationToken);
        _completed = true;
        return _length;
    }

    public override async ValueTask DisposeAsync()
    {
        await AbortIfOpenAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AbortIfOpenAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task AbortIfOpenAsync()
    {
        if (_completed || _aborted)
        {
            return;
        }

        _aborted = true;
        try
        {
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId });
        }
        catch (AmazonS3Exception)
        {
            // Best effort: a bucket lifecycle rule (AbortIncompleteMultipartUpload) collects what is left.
        }
    }

    private async Task UploadPartAsync(CancellationToken cancellationToken)
    {
        var partNumber = _parts.Count + 1;
        using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
        var response = await _s3.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = _bucket,
                Key = _key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                PartSize = _filled,
                InputStream = body,
            },
            cancellationToken);
        _parts.Add(new PartETag(response));
        _partSizes.Add(_filled);
        _filled = 0;
    }
}
