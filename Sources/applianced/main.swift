import Core

Log.shared.info("applianced")
