/** The formats a dataset is written in. Apart from the writer, so the command can check `--format` at start-up. */
export const DATA_FORMATS = ['csv', 'parquet'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];
