CREATE TABLE `credit_predictions_api_log` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`request_id` varchar(64) NOT NULL,
	`customer_id` varchar(64) NOT NULL,
	`features` json NOT NULL,
	`prediction` varchar(32) NOT NULL,
	`confidence` double NOT NULL,
	`elapsed_ms` double NOT NULL,
	`model_version` varchar(128) NOT NULL,
	`created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	CONSTRAINT `credit_predictions_api_log_id` PRIMARY KEY(`id`),
	CONSTRAINT `credit_predictions_api_log_request_id_uq` UNIQUE(`request_id`)
);
