"""Print how fast the CSV and CAMT.053 importers parse, and their peak memory.

Generates, in a temporary folder, a Chinese corporate-account CSV export (metadata rows
above the header, 借方/贷方 columns, quoted thousands, tab-padded account numbers, remarks
carrying case numbers such as （2024）京0105执1234号, a 合计 row at the end) and a
pretty-printed CAMT.053 with one TxDtls per entry, then parses each in a fresh process:
once timed, once under tracemalloc. Parsing alone: lines are consumed and dropped. Times
are wall clock and CPU (the CPU figure is steadier on a shared machine); the floor is what
the csv module or lxml alone take to read the same file. Max RSS is the child process's
(`resource.getrusage`), the tracemalloc peak covers the parse only.

    .venv/bin/python bench/parse_bench.py                  # 1M CSV lines, 200k CAMT entries
    .venv/bin/python bench/parse_bench.py --lines 100000   # quicker; CAMT gets lines // 5
    .venv/bin/python bench/parse_bench.py --encoding utf-8 --only csv
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURTS = ("京0105", "沪0115", "粤0304", "浙0106", "苏0508", "川0107", "鄂0102", "京01")
NAMES = ("张三", "李四", "王五", "赵六", "北京某某科技有限公司", "上海某某贸易有限公司", "陈七")
BANKS = ("中国工商银行北京朝阳支行", "中国建设银行上海浦东分行", "招商银行深圳分行", "")
CSV_HEADER = (
    "交易日期,交易时间,交易流水号,借方发生额,贷方发生额,余额,对方户名,对方账号,对方开户行,"
    "子账号,摘要,附言"
)
CAMT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>BENCH-1</MsgId><CreDtTm>2024-12-31T18:00:00+08:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>BENCH-STMT-1</Id>
      <CreDtTm>2024-12-31T18:00:00+08:00</CreDtTm>
      <Acct><Id><Othr><Id>110060123456789</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">0.00</Amt>\
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>
"""
CAMT_ENTRY = """      <Ntry>
        <Amt Ccy="CNY">{amount}</Amt>
        <CdtDbtInd>{indicator}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{reference}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn>\
</BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>E2E{number}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="CNY">{amount}</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <{party}><Nm>{name}</Nm></{party}>
              <{party}Acct><Id><Othr><Id>{account}</Id></Othr></Id></{party}Acct>
{sub_account}            </RltdPties>
            <RltdAgts><{party}Agt><FinInstnId><BICFI>ICBKCNBJ</BICFI></FinInstnId></{party}Agt>\
</RltdAgts>
            <RmtInf><Ustrd>{remark}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
"""
CAMT_SUB_ACCOUNT = "              <CdtrAcct><Id><Othr><Id>{}</Id></Othr></Id></CdtrAcct>\n"
CAMT_TAIL = """      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>\
<Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2024-12-31</Dt></Dt></Bal>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def _transactions(count: int):
    """(number, day, time, signed amount, name, account, sub-account, remark), date order."""
    rng = random.Random(20240105)
    start = date(2024, 1, 1)
    for number in range(count):
        seconds = number * 365 * 86400 // max(count, 1)
        day = start + timedelta(days=seconds // 86400)
        clock = f"{seconds % 86400 // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        cents = rng.choice((rng.randint(100, 99_999), rng.randint(100_000, 500_000_000)))
        amount = Decimal(cents).scaleb(-2) * (1 if rng.random() < 0.8 else -1)
        case = f"（{rng.choice((2022, 2023, 2024))}）{rng.choice(COURTS)}执{rng.randint(1, 9999)}号"
        name = rng.choice(NAMES)
        remark = f"{case} {name} 执行款" if amount > 0 else f"{case} 案款发还 {name}"
        account = f"6222{rng.randint(10**14, 10**15 - 1)}"
        sub_account = f"110060123456789{rng.randint(0, 99999):05d}"
        yield number, day, clock, amount, name, account, sub_account, remark


def _money(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return f'"{text}"' if "," in text else text


def write_csv(path: Path, count: int, encoding: str) -> None:
    """A corporate-account 交易明细 export as Chinese online banking gives it."""
    balance = Decimal("1000000.00")
    debits = credits = 0
    with path.open("w", encoding=encoding, newline="") as out:
        out.write("中国工商银行对公账户交易明细\r\n账号:,110060123456789\r\n")
        out.write("户名:,某某市中级人民法院执行款专户\r\n币种:,人民币\r\n")
        out.write("起止日期:,2024-01-01 至 2024-12-31\r\n\r\n" + CSV_HEADER + "\r\n")
        for number, day, clock, amount, name, account, sub, remark in _transactions(count):
            balance += amount
            debit, credit = ("", _money(amount)) if amount > 0 else (_money(-amount), "")
            credits, debits = credits + (amount > 0), debits + (amount < 0)
            bank = BANKS[number % len(BANKS)]
            out.write(
                f"{day.isoformat()},{clock},T{day:%Y%m%d}{number:09d},{debit},{credit},"
                f"{_money(balance)},{name},\t{account},{bank},{sub if amount > 0 else ''},"
                f"{'转账' if number % 3 else '网银转账'},{remark}\r\n"
            )
        out.write(f"合计,,,借方笔数:{debits},贷方笔数:{credits},,,,,,,\r\n")


def write_camt(path: Path, count: int) -> None:
    """A pretty-printed camt.053.001.02 of `count` booked entries, one TxDtls each."""
    balance = Decimal(0)
    with path.open("w", encoding="utf-8") as out:
        out.write(CAMT_HEAD)
        for number, day, _clock, amount, name, account, sub, remark in _transactions(count):
            balance += amount
            out.write(
                CAMT_ENTRY.format(
                    amount=abs(amount),
                    indicator="CRDT" if amount > 0 else "DBIT",
                    day=day.isoformat(),
                    reference=f"B{day:%Y%m%d}{number:09d}",
                    number=number,
                    party="Dbtr" if amount > 0 else "Cdtr",
                    name=name,
                    account=account,
                    sub_account=CAMT_SUB_ACCOUNT.format(sub) if amount > 0 else "",
                    remark=remark,
                )
            )
        indicator = "CRDT" if balance >= 0 else "DBIT"
        out.write(CAMT_TAIL.format(amount=abs(balance), indicator=indicator))


def measure(kind: str, path: Path, traced: bool) -> dict:
    """Parse one file in this process; lines/s (untraced) or the tracemalloc peak."""
    sys.path.insert(0, str(ROOT))
    if kind == "csv":
        from importers.tabular import TabularImporter as Importer
    else:
        from importers.camt import CamtImporter as Importer
    importer = Importer()
    rss_before = _max_rss_mb()
    if traced:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    count = 0
    with path.open("rb") as stream:
        for statement in importer.parse(io.BufferedReader(stream, 1 << 16)):
            for _line in statement.lines:
                count += 1
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result = {"lines": count, "seconds": seconds, "cpu": cpu, "rss_before_mb": rss_before}
    result["max_rss_mb"] = _max_rss_mb()
    if traced:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        result["floor_cpu"] = _library_alone(kind, path)
    return result


def _library_alone(kind: str, path: Path) -> float:
    """CPU seconds the csv module or lxml alone take to read the file: the floor."""
    from lxml import etree

    started = time.process_time()
    with path.open("rb") as stream:
        if kind == "csv":
            text = io.TextIOWrapper(stream, encoding=_encoding_of(path), newline="")
            for _cells in csv.reader(text):
                pass
        else:
            events = etree.iterparse(stream, tag="{*}Ntry", remove_blank_text=True)
            for _event, entry in events:
                entry.clear(keep_tail=False)
                while entry.getprevious() is not None:
                    del entry.getparent()[0]
    return time.process_time() - started


def _encoding_of(path: Path) -> str:
    return "gb18030" if path.stem.endswith("gb18030") else "utf-8"


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(kind: str, path: Path, traced: bool) -> dict:
    command = [sys.executable, __file__, "--measure", kind, str(path)]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} run failed:\n{done.stderr}")
    return json.loads(done.stdout)


_FLOOR = {"csv": "csv module", "camt": "lxml"}


def report(kind: str, path: Path, trace: bool) -> None:
    size = path.stat().st_size / 2**20
    timed = _child(kind, path, traced=False)
    lines = timed["lines"]
    print(
        f"{kind:5} {lines:>9,} lines  {size:6.1f} MB  {timed['seconds']:6.2f} s wall "
        f"{lines / timed['seconds']:>8,.0f} lines/s  ({timed['cpu']:.2f} s CPU "
        f"{lines / timed['cpu']:>8,.0f} lines/s; {_FLOOR[kind]} alone "
        f"{lines / timed['floor_cpu']:,.0f} lines/s)  max RSS {timed['max_rss_mb']:.1f} MB "
        f"(after imports {timed['rss_before_mb']:.1f} MB)",
        flush=True,
    )
    if trace:
        traced = _child(kind, path, traced=True)
        print(
            f"{'':5} tracemalloc peak {traced['tracemalloc_peak_mb']:6.1f} MB "
            f"(traced run {traced['seconds']:.1f} s, max RSS {traced['max_rss_mb']:.1f} MB)",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="CSV data rows")
    parser.add_argument("--camt-entries", type=int, help="CAMT entries (default lines // 5)")
    parser.add_argument("--encoding", default="gb18030", choices=("gb18030", "utf-8"))
    parser.add_argument("--only", choices=("csv", "camt"))
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.traced)))
        return
    entries = args.camt_entries or max(args.lines // 5, 1)
    with tempfile.TemporaryDirectory(prefix="parse_bench_") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if args.only in (None, "csv"):
            path = folder / f"statement_{args.encoding}.csv"
            write_csv(path, args.lines, args.encoding)
            report("csv", path, not args.no_trace)
        if args.only in (None, "camt"):
            path = folder / "statement.camt053.xml"
            write_camt(path, entries)
            report("camt", path, not args.no_trace)


if __name__ == "__main__":
    main()
