using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Export;

/// <summary>A presigned GET link to an export file, and when it stops working.</summary>
public sealed record ExportLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Where export files go and how their owner fetches them: the S3 object <c>exports/{userId}/{exportId}.csv</c> in
/// <see cref="ExporterOptions.Bucket"/>, written through a bounded multipart upload (<see cref="S3MultipartUploadStream"/>),
/// and a presigned GET link valid for <see cref="ExporterOptions.UrlLifetime"/>.
/// </summary>
public sealed class ExportFileStore
{
    private readonly IAmazonS3 _s3;
    private readonly ExporterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Protocol _urlProtocol;
    private bool _bucketReady;

    public ExportFileStore(IAmazonS3 s3, IOptions<ExporterOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _s3 = s3;
        _options = options.Value;
        _timeProvider = timeProvider;
        // A presigned URL has the scheme of the endpoint it signs for: plain HTTP for a local S3 stand-in.
        _urlProtocol = s3.Config.ServiceURL is { } serviceUrl && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Protocol.HTTP
            : Protocol.HTTPS;
    }

    /// <summary>Stores what <paramref name="write"/> writes as the job's CSV file and returns a link to it.</summary>
    public async Task<ExportLink> StoreAsync(ExportJob job, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(write);
        await EnsureBucketAsync(cancellationToken);
        var key = $"exports/{job.UserId}/{job.ExportId}.csv";
        await using (var upload = await S3MultipartUploadStream.StartAsync(
                         _s3, _options.Bucket, key, _options.PartSize, "text/csv; charset=utf-8",
                         $"attachment; filename=\"export-{job.ExportId}.csv\"", cancellationToken))
        {
            await write(upload, cancellationToken);
            await upload.CompleteAsync(cancellationToken);
        }

        // SigV4 signs at whole seconds: start from a whole second so X-Amz-Expires is the configured lifetime.
        var now = _timeProvider.GetUtcNow();
        var expires = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)) + _options.UrlLifetime;
        var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = expires.UtcDateTime,
            Protocol = _urlProtocol,
        });
        return new ExportLink(url, expires);
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady || _options.CreateMissing != true)
        {
            return;
        }

        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }

        _bucketReady = true;
    }
}
