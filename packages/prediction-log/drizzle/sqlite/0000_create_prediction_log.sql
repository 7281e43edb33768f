CREATE TABLE `credit_predictions_api_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`features` text NOT NULL,
	`prediction` text NOT NULL,
	`confidence` real NOT NULL,
	`elapsed_ms` real NOT NULL,
	`model_version` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_predictions_api_log_request_id_uq` ON `credit_predictions_api_log` (`request_id`);