\copy raw_train from program 'gzip -dc {train}' with (format csv, header true)
