using Amazon.S3;
using Microsoft.Extensions.Configuration;

namespace Cumin.Lambdas.Export;

/// <summary>The exporter's S3 client, the same for the Lambda runtime and the local runner.</summary>
public static class ExporterClients
{
    /// <summary>
    /// An S3 client on the SDK's own resolution, except that an endpoint override (<c>AWS_ENDPOINT_URL_S3</c>, or the
    /// optional <c>Cumin:Exports:ServiceUrl</c>) is set as ServiceURL with path-style addressing: local S3 stand-ins
    /// serve buckets as paths, and the presigned URL then carries that endpoint's scheme.
    /// </summary>
    public static IAmazonS3 S3(IConfiguration? configuration = null)
    {
        var endpoint = configuration?["Cumin:Exports:ServiceUrl"] is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3");
        return string.IsNullOrEmpty(endpoint)
            ? new AmazonS3Client()
            : new AmazonS3Client(new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true });
    }
}
