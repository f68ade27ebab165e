"""The words of the finance review and payment-file pages (Chinese, English) (#21)."""

PAYMENT_MESSAGES = {
    "nav.review": ("财务复核", "Finance review"),
    "nav.payment_files": ("付款文件", "Payment files"),
    "status.in_review": ("待财务复核", "in finance review"),
    "status.returned": ("已退回", "returned"),
    "review.title": ("财务复核", "Finance review"),
    "review.lead": (
        "以下付款已经各级审批，请核对后批准付款，或写明理由退回申请人。批准后进入下一份付款文件。",
        "Every level has approved these payments: approve each for payment, or return it "
        "to the requester with the reason. Approved payments go into the next payment file.",
    ),
    "review.after_levels": ("已完成 {levels} 级审批", "{levels} level(s) approved"),
    "review.approve": ("复核通过", "Approve for payment"),
    "review.return": ("退回申请人", "Return to the requester"),
    "review.return_hint": ("退回理由（必填）", "Reason (required)"),
    "review.return_confirm": ("确定退回此付款？", "Return this payment?"),
    "review.none": ("没有待复核的付款。", "No payment is waiting for review."),
    "review.approved": (
        "已复核通过 {amount} 元的付款（{reference}）。",
        "Approved the payment of {amount} yuan ({reference}).",
    ),
    "review.returned": (
        "已退回 {amount} 元的付款（{reference}）。",
        "Returned the payment of {amount} yuan ({reference}).",
    ),
    "files.title": ("付款文件", "Payment files"),
    "files.lead": (
        "付款文件汇总已复核的付款，供网银批量转账：每笔附言载明案号和业务参考号，"
        "银行流水带回参考号即自动核销该笔付款。每笔付款只进入一份付款文件；已生成的文件可重复下载，内容不变。",
        "A payment file lists the reviewed payments for online banking: each remark carries "
        "the case number and the reference, which the statement brings back to settle exactly "
        "that payment. A payment is in one file only; a file downloads again unchanged.",
    ),
    "files.pending": ("待导出的付款：{count} 笔", "Payments to export: {count}"),
    "files.none_pending": ("没有待导出的付款。", "No payment is waiting for a file."),
    "files.export": ("生成付款文件", "Make a payment file"),
    "files.exported": (
        "已生成付款文件 {id}：{count} 笔，共 {total} 元。",
        "Payment file {id} made: {count} payments, {total} yuan.",
    ),
    "files.batches": ("已生成的付款文件", "Payment files made"),
    "files.no_batches": ("尚未生成付款文件。", "No payment file yet."),
    "files.batch": ("文件编号", "File"),
    "files.created": ("生成", "Made"),
    "files.count": ("笔数", "Payments"),
    "files.total": ("合计（元）", "Total (yuan)"),
    "files.amount": ("金额（元）", "Amount (yuan)"),
    "files.reference": ("业务参考号", "Reference"),
    "files.download": ("下载", "Download"),
    "form.title": ("案款发放审批表", "Payment approval form"),
    "form.print": ("用浏览器打印本页（Ctrl+P）", "Print this page from the browser (Ctrl+P)"),
    "form.status": ("状态", "Status"),
    "form.in_words": ("金额大写", "Amount in words"),
    "form.when": ("时间", "Time"),
    "form.level": ("审批级别", "Level"),
    "form.position": ("职务", "Position"),
    "form.decided_by": ("审批人", "Decided by"),
    "form.decision": ("意见", "Decision"),
    "form.waiting": ("待审批", "waiting"),
    "form.finance": ("财务人员", "Finance"),
    "form.open": ("审批表", "Approval form"),
}
