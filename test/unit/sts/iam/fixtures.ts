// Shared fixtures for the IAM engine tests.

/** A typical session policy: ten statements over S3, DynamoDB, logs, KMS, SQS, with conditions. */
export const TYPICAL = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "ReadReports", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"], Resource: ["arn:aws:s3:::acme-finance-reports", "arn:aws:s3:::acme-finance-reports/2024/*"], Condition: { StringLike: { "s3:prefix": ["2024/", "2024/q*"] } } },
    { Sid: "WriteUploads", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::acme-uploads-eu/${aws:username}/*", Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } } },
    { Sid: "OrdersTable", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"], Resource: ["arn:aws:dynamodb:eu-central-1:111122223333:table/Orders", "arn:aws:dynamodb:eu-central-1:111122223333:table/Orders/index/*"], Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:PrincipalTag/CustomerId}"] } } },
    { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: "arn:aws:logs:eu-central-1:111122223333:log-group:/ecs/billing-service:*" },
    { Sid: "Kms", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "arn:aws:kms:eu-central-1:111122223333:key/8f2c41d7-93ab-4e61-b0c5-7d1e9a6f3b20", Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } } },
    { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-central-1:111122223333:secret:billing/db-credentials-AbCdEf" },
    { Sid: "Queue", Effect: "Allow", Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: "arn:aws:sqs:eu-central-1:111122223333:invoice-events.fifo" },
    { Sid: "DenyOutsideNetwork", Effect: "Deny", Action: "*", Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8:1234::/48"] }, Bool: { "aws:ViaAWSService": "false" } } },
    { Sid: "DenyUnencrypted", Effect: "Deny", Action: "s3:PutObject", Resource: "*", Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } } },
  ],
};
